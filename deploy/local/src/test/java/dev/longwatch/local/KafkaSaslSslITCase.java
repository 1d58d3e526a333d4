package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.EncoderFactory;
import dev.longwatch.encoder.EncoderSettings;
import dev.longwatch.encoder.EncoderWorker;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.ingest.IngestMain;
import dev.longwatch.ingest.IngestService;
import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.memory.job.MemoryJob;
import dev.longwatch.query.QueryService;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.schema.KafkaClientProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.AuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The separate services on a broker that wants SASL_SSL (PLAIN over TLS) and authorizes with
 * Kafka's StandardAuthorizer: each service runs as its own principal, configured only by the
 * {@code LONGWATCH_KAFKA_*} variables, with exactly the ACLs the README tells operators to grant
 * (read from the README itself). A file goes through ingest, the encoder, the memory job and the
 * query service; a principal without ACLs fails at once with an authorization error.
 */
class KafkaSaslSslITCase {
    private static final Path CLIP =
            Path.of("../../../shared/data/video/videollama-dog_barking.mp4").toAbsolutePath().normalize();
    private static final Path README = Path.of("../../README.md").toAbsolutePath().normalize();
    private static final String STORE_PASSWORD = "test-store-secret";
    private static final List<String> PRINCIPALS = List.of("admin", "ingest", "encoder", "memory", "query", "nobody");

    @TempDir static Path dir;

    private static KafkaContainer kafka;
    private static Path truststore;

    @BeforeAll
    static void startBroker() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        truststore = dir.resolve("truststore.p12");
        BrokerCertificate.write(keystore, truststore, STORE_PASSWORD);
        StringBuilder users = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        PRINCIPALS.forEach(user -> users.append(" user_").append(user).append("=\"").append(password(user)).append('"'));
        users.append(';');
        kafka = new KafkaContainer("apache/kafka:4.2.1")
                .withStartupTimeout(Duration.ofMinutes(3))
                // The listener clients reach (named PLAINTEXT by Testcontainers) speaks SASL_SSL;
                // the broker-to-itself and controller listeners stay inside the container.
                .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "BROKER:PLAINTEXT,PLAINTEXT:SASL_SSL,CONTROLLER:PLAINTEXT")
                .withEnv("KAFKA_SASL_ENABLED_MECHANISMS", "PLAIN")
                .withEnv("KAFKA_LISTENER_NAME_PLAINTEXT_PLAIN_SASL_JAAS_CONFIG", users.toString())
                .withEnv("KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka/secrets/broker.p12")
                .withEnv("KAFKA_SSL_KEYSTORE_PASSWORD", STORE_PASSWORD)
                .withEnv("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12")
                .withEnv("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .withEnv("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
                // ANONYMOUS is the broker itself on its in-container plaintext listeners.
                .withEnv("KAFKA_SUPER_USERS", "User:admin;User:ANONYMOUS")
                .withCopyFileToContainer(MountableFile.forHostPath(keystore, 0644), "/etc/kafka/secrets/broker.p12");
        kafka.start();

        KafkaClientProperties admin = KafkaClientProperties.fromEnvironment(env("admin"));
        TopicAdmin.createAll(admin.clientConfig(kafka.getBootstrapServers()), 2, (short) 1);
        List<AclBinding> acls = AclCommands.fromReadme(README);
        assertThat(acls).as("the README's ACL list").isNotEmpty();
        try (Admin client = Admin.create(admin.clientConfig(kafka.getBootstrapServers()))) {
            client.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void shouldTakeAFileThroughEveryServiceEachAsItsOwnPrincipal() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicReference<Throwable> encoderFailure = new AtomicReference<>();
        JobClient memoryJob = null;
        Thread encoderThread = null;
        EncoderWorker worker = null;
        try (IngestMain ingest = IngestMain.start(with(env("ingest"), Map.of(
                        "LONGWATCH_METRICS_HOST", "127.0.0.1", "LONGWATCH_METRICS_PORT", "0",
                        "LONGWATCH_MEDIA_ROOTS", CLIP.getParent().toString())));
                VisionEncoder encoder = EncoderFactory.create(EncoderConfig.fromEnvironment(env("encoder")), meters);
                QueryService query = new QueryService(QueryServiceSettings.fromEnv(with(env("query"), Map.of(
                        "LONGWATCH_HTTP_PORT", "0",
                        "LONGWATCH_QUERY_STATE_DIR", dir.resolve("query").toString()))))) {
            worker = new EncoderWorker(EncoderSettings.fromEnvironment(env("encoder"), "sasl"), encoder, meters);
            encoderThread = new Thread(worker, "encoder-worker");
            encoderThread.setUncaughtExceptionHandler((t, e) -> encoderFailure.set(e));
            encoderThread.start();
            memoryJob = startMemoryJob();
            query.start();

            ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + query.port()));
            api.post("/v1/streams", Map.of("id", "dog", "uri", CLIP.toString(), "sampleFps", 1.0))
                    .requireSuccess("registering the clip");
            Thread finalEncoder = encoderThread;
            JobClient finalJob = memoryJob;
            JsonNode stream = new MemoryWait(api, "dog", Duration.ofMinutes(3), () -> {
                        if (!finalEncoder.isAlive()) {
                            return Optional.of("encoder worker stopped: " + encoderFailure.get());
                        }
                        return finalJob.getJobStatus().join().isGloballyTerminalState()
                                ? Optional.of("memory job ended") : Optional.empty();
                    }, state -> {})
                    .untilComplete();

            JsonNode memory = api.get("/v1/streams/dog/memory").requireSuccess("memory of dog").json();
            assertThat(memory.path("framesSeen").asLong()).isEqualTo(stream.path("framesProduced").asLong()).isPositive();
            assertThat(memory.path("slots").size()).isPositive();
        } finally {
            if (memoryJob != null) {
                memoryJob.cancel().get(30, TimeUnit.SECONDS);
            }
            if (worker != null) {
                worker.close();
                encoderThread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }

    @Test
    void shouldFailAtOnceNamingAuthorizationWhenAPrincipalHasNoAcls() throws Exception {
        // Ingest: reading the stream statuses it resumes from is refused.
        IngestSettings ingest = IngestSettings.fromEnvironment(env("nobody"));
        try (IngestService service = new IngestService(ingest, new SimpleMeterRegistry())) {
            long started = System.nanoTime();
            assertThatThrownBy(service::start)
                    .isInstanceOf(AuthorizationException.class)
                    .hasMessageContaining("Not authorized to access topics: [lw.stream-status]");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ingest.startTimeout());
        }

        // The encoder worker: its transactional id is refused; the worker ends with that error.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (VisionEncoder encoder = EncoderFactory.create(EncoderConfig.fromEnvironment(env("nobody")), meters)) {
            EncoderWorker worker = new EncoderWorker(EncoderSettings.fromEnvironment(env("nobody"), "nobody"), encoder, meters);
            Thread thread = new Thread(worker, "encoder-worker-nobody");
            thread.setUncaughtExceptionHandler((t, e) -> failure.set(e));
            thread.start();
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(thread.isAlive()).as("the worker gave up instead of hanging").isFalse();
            assertThat(failure.get()).isInstanceOf(AuthorizationException.class);
        }
    }

    private static JobClient startMemoryJob() throws Exception {
        Configuration options = new Configuration();
        options.set(MemoryOptions.KAFKA_BOOTSTRAP_SERVERS, kafka.getBootstrapServers());
        options.set(MemoryOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        // The job's Kafka settings are its options: the same values under memory.kafka.properties.
        KafkaClientProperties.fromEnvironment(env("memory")).values()
                .forEach((name, value) -> options.setString(MemoryOptions.KAFKA_PROPERTIES_PREFIX + name, value));
        Configuration cluster = MemoryJob.localClusterConfiguration(dir.resolve("flink"), options);
        return MemoryJob.start(StreamExecutionEnvironment.createLocalEnvironment(1, cluster), options);
    }

    /** What an operator sets for a service that runs as {@code user}. */
    private static Map<String, String> env(String user) {
        return Map.of(
                "LONGWATCH_BOOTSTRAP_SERVERS", kafka.getBootstrapServers(),
                "LONGWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "LONGWATCH_KAFKA_SASL_MECHANISM", "PLAIN",
                "LONGWATCH_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password(user) + "\";",
                "LONGWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(),
                "LONGWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD", STORE_PASSWORD,
                "LONGWATCH_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
    }

    private static Map<String, String> with(Map<String, String> env, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(more);
        return all;
    }

    private static String password(String user) {
        return user + "-secret";
    }

    /** A self-signed broker certificate for localhost, and a truststore holding it. */
    private static final class BrokerCertificate {
        static void write(Path keystore, Path truststore, String password) throws IOException, InterruptedException {
            Path certificate = keystore.resolveSibling("broker.crt");
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password);
            keytool("-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", password,
                    "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                    "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", password);
        }

        private static void keytool(String... args) throws IOException, InterruptedException {
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        }
    }
}

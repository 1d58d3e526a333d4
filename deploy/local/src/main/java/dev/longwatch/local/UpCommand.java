package dev.longwatch.local;

import dev.longwatch.schema.KafkaClientProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./longwatch up}: the embedded stack as a service, until interrupted. */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Run the whole stack in this JVM until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".longwatch", description = "data directory (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", defaultValue = "${env:LONGWATCH_HTTP_PORT:-8080}", description = "HTTP port of the query service (default: ${DEFAULT-VALUE}; env LONGWATCH_HTTP_PORT)")
    int port;

    @Option(names = "--kafka", description = "use this Kafka cluster (bootstrap servers) instead of the embedded broker; LONGWATCH_KAFKA_* give its client settings (default: the embedded broker, on loopback)")
    String kafka;

    @Option(names = "--slots", defaultValue = "20", description = "memory bank capacity M (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--metrics-port", defaultValue = "9400", description = "port of /healthz and /metrics of ingest and the encoder; the query service serves its own on --port (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(names = "--source", description = "ID=URI of a stream to add at start; repeatable (default: none)")
    List<String> sources = new ArrayList<>();

    /**
     * The encoder worker's model. A restart on the same data dir with another encoder starts new
     * streams with it, but frames of a stream already in memory then no longer fit its bank
     * (another shape or encoder id) and go to lw.dlq: delete such a stream and add it again.
     */
    @Mixin EncoderOptions encoderOptions;

    @Option(names = "--media-root", paramLabel = "DIR", description = "a directory whose files streams may read; repeatable"
            + " (default: LONGWATCH_MEDIA_ROOTS, else the directory up was started in and <data-dir>/media; giving one replaces them)")
    List<Path> mediaRoots = new ArrayList<>();

    @Option(names = "--allow-network", paramLabel = "CIDR", description = "a network camera and HTTP sources may reach even where"
            + " the built-in rules refuse it (loopback, link-local, this host), e.g. 127.0.0.1/32 for a lab camera;"
            + " repeatable, added to LONGWATCH_ALLOW_NETWORKS (default: none)")
    List<String> allowNetworks = new ArrayList<>();

    @Option(names = "--deny-network", paramLabel = "CIDR", description = "a network sources may never reach; beats --allow-network;"
            + " repeatable, added to LONGWATCH_DENY_NETWORKS (default: none; private LAN ranges are allowed, since cameras live there)")
    List<String> denyNetworks = new ArrayList<>();

    @Option(names = "--max-pixels", description = "the largest picture a source may have, in pixels"
            + " (default: LONGWATCH_INGEST_MAX_PIXELS, else 33177600 = 7680 x 4320)")
    Long maxPixels;

    /** The query service's API settings (tokens, host names, per-tenant limits), as variables. */
    @Mixin ApiOptions apiOptions = new ApiOptions();

    @Override
    public Integer call() throws Exception {
        LocalStackSettings settings;
        try {
            settings = settings(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("up: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (LocalStack stack = LocalStack.start(settings)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            for (String source : sources) {
                int eq = source.indexOf('=');
                if (eq <= 0) {
                    System.err.println("up: --source wants ID=URI, got " + source);
                    return 2;
                }
                // With tokens, a source is added as a client would add it: with LONGWATCH_API_TOKEN,
                // else with a configured token that may see the stream.
                String token = System.getenv("LONGWATCH_API_TOKEN");
                ApiClient api = new ApiClient(stack.httpBase(),
                        token != null && !token.isBlank() ? token : stack.apiTokenFor(source.substring(0, eq)).orElse(null));
                ApiClient.Reply reply =
                        api.post("/v1/streams", Map.of("id", source.substring(0, eq), "uri", source.substring(eq + 1)));
                if (reply.status() != 201 && reply.status() != 409) {
                    reply.requireSuccess("adding " + source.substring(0, eq));
                }
            }
            System.err.println("longwatch: streams may read files under " + settings.sources().mediaRoots()
                    + (settings.sources().allowNetworks().isEmpty() ? "" : "; networks allowed " + settings.sources().allowNetworks())
                    + (settings.sources().denyNetworks().isEmpty() ? "" : "; networks denied " + settings.sources().denyNetworks()));
            System.err.println("longwatch: up at " + stack.httpBase() + " (Kafka " + stack.bootstrapServers()
                    + "; metrics of ingest and the encoder at " + stack.metricsBase() + "/metrics, of the memory job at "
                    + stack.flinkMetricsBase() + "/metrics); Ctrl-C stops");
            stop.await();
        }
        return 0;
    }

    /**
     * The stack these options and the services' environment describe.
     *
     * @throws IllegalArgumentException when a variable is wrong (the message names it)
     */
    LocalStackSettings settings(Map<String, String> environment) {
        return LocalStackSettings.defaults(dataDir).withHttpPort(port).withSlots(slots).withExternalBootstrap(kafka)
                .withMetricsPort(metricsPort)
                .withKafkaClient(KafkaClientProperties.fromEnvironment(environment))
                .withEncoder(encoderOptions.config(environment))
                .withEnvironment(apiOptions.over(environment))
                .withSources(LocalStackSettings.upSources(dataDir, environment, mediaRoots, allowNetworks, denyNetworks, maxPixels));
    }
}

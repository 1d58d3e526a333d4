package dev.longwatch.query;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.jpeg;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.subscriptions.SubscribeClient;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service against a real in-JVM KRaft broker: Kafka Streams on RocksDB, interactive
 * queries, the idempotent registry producer, read_committed and the dead-letter topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryServiceITCase {
    /** Upper bound for the pipeline to catch up; the test polls and never sleeps a fixed time. */
    private static final Duration CATCH_UP = Duration.ofSeconds(90);

    @TempDir static Path dir;
    private EmbeddedKafka kafka;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private QueryServiceSettings settings;
    private QueryService service;
    private ApiClient client;

    @BeforeAll
    void startStack() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1); // num.partitions: the broker default
        // One partition: the read_committed test relies on the order within lw.memory.
        TopicAdmin.createAll(kafka.bootstrapServers(), 1, (short) 1);
        settings =
                QueryServiceSettings.defaults(kafka.bootstrapServers())
                        .withPort(0)
                        .withStateDir(dir.resolve("state"))
                        .withLlm(LlmSettings.of(llm.baseUrl(), "fake-vlm"));
        service = new QueryService(settings, Optional.of(new OpenAiChatModel(settings.llm())));
        service.start();
        client = new ApiClient(service.port());
        await("/readyz answers 200", () -> client.get("/readyz"), r -> r.status() == 200);
    }

    @AfterAll
    void stopStack() throws Exception {
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        llm.close();
    }

    @Test
    void shouldRegisterStreamThroughKafkaAndShowItBack() {
        // Given a running service, when a stream is registered
        Reply created = client.post("/v1/streams", ApiClient.json(Map.of("id", "lobby", "uri", "/data/lobby.mp4", "sampleFps", 1.0)));

        // Then it is written to lw.streams and comes back through the view
        assertThat(created.status()).isEqualTo(201);
        Reply shown = await("stream visible", () -> client.get("/v1/streams/lobby"), r -> r.status() == 200);
        assertThat(shown.json().path("state").asText()).isEqualTo("PENDING");
        assertThat(client.post("/v1/streams", ApiClient.json(Map.of("id", "lobby", "uri", "/x.mp4"))).status()).isEqualTo(409);

        // And a delete removes it again
        assertThat(client.delete("/v1/streams/lobby").status()).isEqualTo(204);
        await("stream gone", () -> client.get("/v1/streams/lobby"), r -> r.status() == 404);
    }

    @Test
    void shouldServeOnlyCommittedMemorySnapshotsAndTheirKeyframes() throws Exception {
        // Given two registered streams and the memory job's transactional writes: v1 committed, v2
        // aborted, then the other stream
        try (KafkaProducer<String, StreamSpec> registry = producer(Topics.STREAMS)) {
            registry.send(new ProducerRecord<>(Topics.STREAMS.name(), "door", spec("door", "/d.mp4"))).get();
            registry.send(new ProducerRecord<>(Topics.STREAMS.name(), "marker", spec("marker", "/m.mp4"))).get();
        }
        try (KafkaProducer<String, MemorySnapshot> memoryJob = transactionalProducer()) {
            memoryJob.initTransactions();
            sendInTransaction(memoryJob, memory("door", 1, List.of(slot(0, 5000, 5, 2))), true);
            sendInTransaction(memoryJob, memory("door", 2, List.of(slot(0, 9000, 9, 4))), false);
            sendInTransaction(memoryJob, memory("marker", 1, List.of(slot(0, 1000, 1, 0))), true);
        }
        try (KafkaProducer<String, Frame> ingest = producer(Topics.FRAMES)) {
            ingest.send(new ProducerRecord<>(Topics.FRAMES.name(), "door", frame("door", 2, 2000))).get();
        }

        // When the view has read past the aborted write (one partition: marker comes after it)
        await("marker memory visible", () -> client.get("/v1/streams/marker/memory"), r -> r.status() == 200);
        await("door memory visible", () -> client.get("/v1/streams/door/memory"), r -> r.status() == 200);

        // Then only the committed snapshot is served, with its keyframe
        JsonNode door = client.get("/v1/streams/door/memory").json();
        assertThat(door.path("version").asLong()).isEqualTo(1);
        String url = door.path("slots").get(0).path("keyframeUrl").asText();
        Reply jpegReply = await("keyframe visible", () -> client.get(url), r -> r.status() == 200);
        assertThat(jpegReply.body()).isEqualTo(jpeg("door", 2));
        JsonNode answer = client.post("/v1/streams/door/ask", "{\"question\":\"Is the door open?\"}").json();
        assertThat(answer.path("memoryVersion").asLong()).isEqualTo(1);
        assertThat(answer.path("llm").path("model").asText()).isEqualTo("fake-vlm-served");
    }

    @Test
    void shouldPushAStandingAnswerFromAMemoryEventToSseClientsAndTheTopic() throws Exception {
        // Given a stream with memory and a standing question the model will match
        llm.reply(FakeOpenAiServer.Reply.completion("{\"match\":true,\"answer\":\"A parcel arrives.\",\"time\":3.0}"));
        client.post("/v1/streams", ApiClient.json(Map.of("id", "gate", "uri", "/data/gate.mp4")));
        await("stream visible", () -> client.get("/v1/streams/gate"), r -> r.status() == 200);
        try (KafkaProducer<String, MemorySnapshot> memoryJob = producer(Topics.MEMORY)) {
            memoryJob.send(new ProducerRecord<>(Topics.MEMORY.name(), "gate", memory("gate", 1, List.of(slot(0, 5000, 5, 2))))).get();
        }
        await("gate memory visible", () -> client.get("/v1/streams/gate/memory"), r -> r.status() == 200 && r.json().path("version").asLong() == 1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SubscribeClient subscriber = new SubscribeClient(URI.create("http://127.0.0.1:" + service.port()), Optional.empty(), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String id = subscriber.create("gate", "Does a parcel arrive?", 1);

        // When the memory job reports a change (the subscription may reach the standing app a
        // moment after the POST: the event is sent again until an answer shows up)
        CompletableFuture<Void> listening = CompletableFuture.runAsync(() -> {
            try {
                subscriber.print(id, 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (KafkaProducer<String, MemoryEvent> memoryJob = producer(Topics.EVENTS)) {
            Instant deadline = Instant.now().plus(CATCH_UP);
            long pts = 3000;
            while (!listening.isDone() && Instant.now().isBefore(deadline)) {
                memoryJob.send(new ProducerRecord<>(Topics.EVENTS.name(), "gate",
                        MemoryEvent.newBuilder().setStreamId("gate").setPtsMs(pts++).setKind(EventKind.NOVELTY).build())).get();
                Thread.sleep(1000);
            }
        }

        // Then an SSE client prints the match, and it is on lw.event-answers
        listening.get(CATCH_UP.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("[3.0s] gate: A parcel arrives. (evidence 0.0s-5.0s)");
        JsonNode request = llm.requests().get(llm.requests().size() - 1);
        assertThat(request.path("response_format").path("type").asText()).isEqualTo("json_schema");
    }

    @Test
    void shouldKeepSubscriptionsAcrossARestart() throws Exception {
        // Given a stream and a standing question on it
        client.post("/v1/streams", ApiClient.json(Map.of("id", "porch", "uri", "/data/porch.mp4")));
        await("stream visible", () -> client.get("/v1/streams/porch"), r -> r.status() == 200);
        Reply created = client.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "porch", "question", "A parcel?", "cooldownSec", 30)));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().path("id").asText();

        // When the service restarts
        service.close();
        // (closing left both Streams apps' groups, so their partitions are free at once, not after
        // the 45 s session timeout)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (String group : List.of(settings.applicationId(), settings.applicationId() + "-standing")) {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                assertThat(description.groupState()).as("state of %s after close", group).isEqualTo(GroupState.EMPTY);
                assertThat(description.members()).as("members of %s after close", group).isEmpty();
            }
        }
        service = new QueryService(settings, Optional.of(new OpenAiChatModel(settings.llm())));
        service.start();
        client = new ApiClient(service.port());
        await("/readyz answers 200 again", () -> client.get("/readyz"), r -> r.status() == 200);

        // Then the subscription is read back from the compacted topic
        Reply shown = await("subscription visible", () -> client.get("/v1/subscriptions/" + id), r -> r.status() == 200);
        assertThat(shown.json().path("question").asText()).isEqualTo("A parcel?");
        assertThat(shown.json().path("cooldownSec").asInt()).isEqualTo(30);
        assertThat(client.delete("/v1/subscriptions/" + id).status()).isEqualTo(204);
    }

    @Test
    void shouldSendPoisonRecordsToTheDeadLetterTopic() throws Exception {
        // Given a record on lw.stream-status that is not a StreamStatus
        byte[] poison = {0x0F, 0x0F, 0x0F};
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.STREAM_STATUS.name(), "broken", poison)).get();
        }

        // Then the service forwards it, untouched, with the reason
        DeadLetter letter = readDeadLetter();
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.STREAM_STATUS.name());
        assertThat(letter.getValue().toByteArray()).isEqualTo(poison);
        assertThat(letter.getReason()).contains("deserialization failed");
        assertThat(client.get("/readyz").status()).isEqualTo(200);
    }

    private DeadLetter readDeadLetter() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], DeadLetter> consumer =
                new KafkaConsumer<>(props, Topics.DLQ.keySerde().deserializer(), Topics.DLQ.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.DLQ.name()));
            Instant deadline = Instant.now().plus(CATCH_UP);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], DeadLetter> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value().getSourceTopic().equals(Topics.STREAM_STATUS.name())) {
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("no dead letter from " + Topics.STREAM_STATUS.name() + " within " + CATCH_UP);
    }

    private KafkaProducer<String, MemorySnapshot> transactionalProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "memory-job-" + UUID.randomUUID());
        return new KafkaProducer<>(props, Topics.MEMORY.keySerde().serializer(), Topics.MEMORY.valueSerde().serializer());
    }

    private static void sendInTransaction(KafkaProducer<String, MemorySnapshot> producer, MemorySnapshot snapshot, boolean commit) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(Topics.MEMORY.name(), snapshot.getStreamId(), snapshot));
        producer.flush();
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    private <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Polls until {@code done} holds; fails with the last reply after {@link #CATCH_UP}. */
    private static Reply await(String what, Supplier<Reply> call, Predicate<Reply> done) {
        Instant deadline = Instant.now().plus(CATCH_UP);
        Reply last = call.get();
        while (!done.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what + "; last reply " + last.status() + " " + last.text());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = call.get();
        }
        return last;
    }
}

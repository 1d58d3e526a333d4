package dev.longwatch.query;

import static dev.longwatch.query.testing.Fixtures.chapter;
import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static dev.longwatch.query.testing.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.subscriptions.SubscribeClient;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison never stops a consumer of the query service. On a real broker, each topic the service
 * reads gets a record at the size limit that is not what the topic holds, then a good record: the
 * good one takes effect (the views, the global tables, standing questions, the SSE feed all go on)
 * and the bad one is on lw.dlq, cut to fit, with its coordinates and the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonRecordsITCase {
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    /** As large as a record can be and still be accepted (8 MiB less the record's own overhead). */
    private static final int AT_THE_LIMIT = Topics.MAX_MESSAGE_BYTES - 1024;

    @TempDir static Path dir;
    private EmbeddedKafka kafka;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private QueryService service;
    private ApiClient client;
    private final Map<String, Long> poisonOffsets = new HashMap<>();

    @BeforeAll
    void startStack() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1);
        TopicAdmin.createAll(kafka.bootstrapServers(), 1, (short) 1);
        QueryServiceSettings settings =
                QueryServiceSettings.defaults(kafka.bootstrapServers())
                        .withPort(0)
                        .withStateDir(dir.resolve("state"))
                        .withLlm(LlmSettings.of(llm.baseUrl(), "fake-vlm"));
        service = new QueryService(settings, Optional.of(new OpenAiChatModel(settings.llm())));
        service.start();
        client = new ApiClient(service.port());
        await("/readyz", () -> client.get("/readyz"), r -> r.status() == 200);
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

    /** Garbage that no protobuf parser accepts, {@link #AT_THE_LIMIT} bytes long. */
    private static byte[] poison() {
        byte[] bytes = new byte[AT_THE_LIMIT];
        Arrays.fill(bytes, (byte) 0x0F); // field 1, wire type 7: no such wire type
        return bytes;
    }

    private void sendPoison(Topic<String, ?> topic, String key) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES + 1024);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            long offset = producer.send(new ProducerRecord<>(topic.name(), key, poison())).get().offset();
            poisonOffsets.put(topic.name(), offset);
        }
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, V> producer =
                new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    @Test
    void shouldGoOnAfterPoisonOnEveryTableAndTheFrames() throws Exception {
        // Given a record at the size limit that is not what the topic holds, on each topic the
        // views read, followed by a good record
        sendPoison(Topics.STREAMS, "lobby");
        send(Topics.STREAMS, "lobby", spec("lobby", "/data/lobby.mp4"));
        sendPoison(Topics.STREAM_STATUS, "lobby");
        send(Topics.STREAM_STATUS, "lobby", status("lobby", StreamState.RUNNING, 7, ""));
        sendPoison(Topics.MEMORY, "lobby");
        send(Topics.MEMORY, "lobby", memory("lobby", 3, List.of(slot(600_000, 606_000, 6, 2))));
        sendPoison(Topics.CHAPTERS, StreamIds.chapterKey("lobby", 0));
        send(Topics.CHAPTERS, StreamIds.chapterKey("lobby", 0), chapter("lobby", 0, 0, 600_000, List.of(slot(0, 600_000, 600, 1))));
        sendPoison(Topics.FRAMES, "lobby");
        send(Topics.FRAMES, "lobby", frame("lobby", 2, 602_000));
        sendPoison(Topics.SUBSCRIPTIONS, "sub-poisoned");
        Subscription subscription =
                Subscription.newBuilder().setId("sub-after-poison").setStreamId("lobby").setQuestion("Anyone?").setCooldownS(60).build();
        send(Topics.SUBSCRIPTIONS, subscription.getId(), subscription);

        // Then every good record is in the views
        Reply stream = await("status", () -> client.get("/v1/streams/lobby"),
                r -> r.status() == 200 && r.json().path("state").asText().equals("RUNNING"));
        assertThat(stream.json().path("framesProduced").asLong()).isEqualTo(7);
        Reply memory = await("memory and chapter", () -> client.get("/v1/streams/lobby/memory"),
                r -> r.status() == 200 && r.json().path("slots").size() == 2);
        assertThat(memory.json().path("version").asLong()).isEqualTo(3);
        await("keyframe", () -> client.get("/v1/frames/lobby/0/2.jpg"), r -> r.status() == 200);
        await("subscription", () -> client.get("/v1/subscriptions/sub-after-poison"), r -> r.status() == 200);

        // And every bad one is a dead letter that fits, with where it came from and why
        for (Topic<String, ?> topic : List.of(Topics.STREAMS, Topics.STREAM_STATUS, Topics.MEMORY, Topics.CHAPTERS, Topics.FRAMES, Topics.SUBSCRIPTIONS)) {
            assertAtTheLimit(deadLetterOf(topic), topic);
        }
        assertThat(client.get("/readyz").status()).isEqualTo(200);
    }

    @Test
    void shouldGoOnAfterPoisonOnTheEventsOfStandingQuestionsAndOnTheirAnswers() throws Exception {
        // Given a stream with memory and a standing question the model will match
        llm.reply(FakeOpenAiServer.Reply.completion("{\"match\":true,\"answer\":\"A parcel arrives.\",\"time\":3.0}"));
        client.post("/v1/streams", ApiClient.json(Map.of("id", "gate", "uri", "/data/gate.mp4")));
        await("stream visible", () -> client.get("/v1/streams/gate"), r -> r.status() == 200);
        send(Topics.MEMORY, "gate", memory("gate", 1, List.of(slot(0, 5000, 5, 2))));
        await("gate memory visible", () -> client.get("/v1/streams/gate/memory"), r -> r.status() == 200 && r.json().path("version").asLong() == 1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SubscribeClient subscriber =
                new SubscribeClient(URI.create("http://127.0.0.1:" + service.port()), Optional.empty(), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String id = subscriber.create("gate", "Does a parcel arrive?", 1);
        CompletableFuture<Void> listening = CompletableFuture.runAsync(() -> {
            try {
                subscriber.print(id, 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        // When lw.event-answers gets a record at the size limit and then a good answer
        sendPoison(Topics.EVENT_ANSWERS, "gate");
        send(Topics.EVENT_ANSWERS, "gate", EventAnswer.newBuilder().setId(id + "@1").setSubscriptionId(id)
                .setStreamId("gate").setAtMs(1000).setAnswer("Written by hand.").build());
        // And lw.events gets one, then good events until the standing question answers
        sendPoison(Topics.EVENTS, "gate");
        Instant deadline = Instant.now().plus(CATCH_UP);
        long pts = 3000;
        while (!listening.isDone() && Instant.now().isBefore(deadline)) {
            send(Topics.EVENTS, "gate", MemoryEvent.newBuilder().setStreamId("gate").setPtsMs(pts++).setKind(EventKind.NOVELTY).build());
            Thread.sleep(1000);
        }

        // Then the SSE client got both answers, and both bad records are dead letters
        listening.get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("[1.0s] gate: Written by hand.")
                .contains("[3.0s] gate: A parcel arrives.");
        assertAtTheLimit(deadLetterOf(Topics.EVENT_ANSWERS), Topics.EVENT_ANSWERS);
        assertAtTheLimit(deadLetterOf(Topics.EVENTS), Topics.EVENTS);
    }

    private void assertAtTheLimit(DeadLetter letter, Topic<String, ?> topic) {
        assertThat(letter.getOffset()).as(topic.name()).isEqualTo(poisonOffsets.get(topic.name()));
        assertThat(letter.getPartition()).isZero();
        assertThat(letter.getValueSize()).isEqualTo(AT_THE_LIMIT);
        assertThat(letter.getTruncated()).isTrue();
        assertThat(letter.getValue().size()).isEqualTo(DeadLetters.MAX_VALUE_BYTES);
        assertThat(letter.getReason()).isNotBlank();
        assertThat(letter.getSerializedSize()).isLessThanOrEqualTo(Topics.MAX_MESSAGE_BYTES);
    }

    /** The first dead letter of {@code topic} on lw.dlq. */
    private DeadLetter deadLetterOf(Topic<String, ?> topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], DeadLetter> consumer =
                new KafkaConsumer<>(props, Topics.DLQ.keySerde().deserializer(), Topics.DLQ.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.DLQ.name()));
            Instant deadline = Instant.now().plus(CATCH_UP);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], DeadLetter> record : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(record.value().getSourceTopic());
                    if (record.value().getSourceTopic().equals(topic.name())) {
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("no dead letter from " + topic.name() + " within " + CATCH_UP + "; saw " + seen);
    }

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

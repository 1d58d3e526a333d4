package dev.longwatch.query;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.jpeg;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two query-service instances of one application id on a real in-JVM broker with 4 partitions:
 * Kafka Streams splits the streams' memory and keyframes between them, and either instance
 * answers for every stream, forwarding to the owner.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesITCase {
    private static final int PARTITIONS = 4;
    private static final Duration CATCH_UP = Duration.ofSeconds(90);

    @TempDir static Path dir;
    private EmbeddedKafka kafka;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private final List<QueryService> services = new ArrayList<>();
    private final List<ApiClient> clients = new ArrayList<>();
    /** One stream per partition of lw.memory and lw.frames, so both instances own some. */
    private final List<String> streamIds = new ArrayList<>();

    @BeforeAll
    void startTwoInstances() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), PARTITIONS);
        // lw.events has one partition: its standing-questions task runs on one instance, so the
        // events of the streams whose memory the other instance owns must be answered across.
        TopicAdmin.createAll(
                kafka.bootstrapServers(), topic -> topic == Topics.EVENTS ? 1 : PARTITIONS, (short) 1);
        llm.reply(FakeOpenAiServer.Reply.completion("Someone walks by [0.0s-5.0s]."));
        for (String name : List.of("a", "b")) {
            QueryServiceSettings settings =
                    QueryServiceSettings.defaults(kafka.bootstrapServers())
                            .withPort(0)
                            .withStateDir(dir.resolve("state-" + name))
                            .withLlm(LlmSettings.of(llm.baseUrl(), "fake-vlm"));
            QueryService service = new QueryService(settings, Optional.of(new OpenAiChatModel(settings.llm())));
            service.start();
            services.add(service);
            clients.add(new ApiClient(service.port()));
        }
        Set<Integer> partitions = new HashSet<>();
        for (int i = 0; partitions.size() < PARTITIONS; i++) {
            String id = "cam-" + i;
            // The default partitioner of the producers below: murmur2 of the key bytes.
            if (partitions.add(Utils.toPositive(Utils.murmur2(id.getBytes())) % PARTITIONS)) {
                streamIds.add(id);
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (QueryService service : services) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        llm.close();
    }

    @Test
    @Order(1)
    void shouldAnswerEveryStreamOnBothInstances() throws Exception {
        // Given both instances running, each owning some of the 4 partitions
        await("both instances own partitions", () -> activeTasks(0) > 0 && activeTasks(1) > 0
                && activeTasks(0) + activeTasks(1) == PARTITIONS);

        // And a memory snapshot and frames for one stream per partition
        try (KafkaProducer<String, dev.longwatch.schema.proto.StreamSpec> registry = producer(Topics.STREAMS);
                KafkaProducer<String, dev.longwatch.schema.proto.MemorySnapshot> memoryJob = producer(Topics.MEMORY);
                KafkaProducer<String, dev.longwatch.schema.proto.Frame> ingest = producer(Topics.FRAMES)) {
            for (int i = 0; i < streamIds.size(); i++) {
                String id = streamIds.get(i);
                registry.send(new ProducerRecord<>(Topics.STREAMS.name(), id, spec(id, "/" + id + ".mp4"))).get();
                for (long seq = 0; seq < 6; seq++) {
                    ingest.send(new ProducerRecord<>(Topics.FRAMES.name(), id, frame(id, seq, seq * 1000))).get();
                }
                memoryJob.send(new ProducerRecord<>(Topics.MEMORY.name(), id,
                        memory(id, 10 + i, List.of(slot(0, 3000, 3, 1), slot(3000, 6000, 3, 4))))).get();
            }
        }

        for (int i = 0; i < streamIds.size(); i++) {
            String id = streamIds.get(i);
            long version = 10 + i;
            // When both instances are asked for the stream's memory, a keyframe and an answer
            List<Reply> memories = new ArrayList<>();
            for (ApiClient client : clients) {
                memories.add(awaitReply("memory of " + id, () -> client.get("/v1/streams/" + id + "/memory"),
                        r -> r.status() == 200 && r.json().path("version").asLong() == version));
            }
            // Then both give the owner's answer, and it is the right one
            assertThat(memories.get(0).text()).isEqualTo(memories.get(1).text());
            assertThat(memories.get(0).json().path("slots").findValuesAsText("keyframeUrl"))
                    .containsExactly("/v1/frames/" + id + "/0/1.jpg", "/v1/frames/" + id + "/0/4.jpg");
            for (ApiClient client : clients) {
                Reply keyframe = awaitReply("keyframe of " + id, () -> client.get("/v1/frames/" + id + "/0/4.jpg"), r -> r.status() == 200);
                assertThat(keyframe.contentType()).isEqualTo("image/jpeg");
                assertThat(keyframe.body()).isEqualTo(jpeg(id, 4));
            }
            String question = ApiClient.json(Map.of("question", "Who walks by " + id + "?"));
            Reply askA = clients.get(0).post("/v1/streams/" + id + "/ask", question);
            Reply askB = clients.get(1).post("/v1/streams/" + id + "/ask", question);
            assertThat(askA.status()).as(askA.text()).isEqualTo(200);
            assertThat(askA.text()).isEqualTo(askB.text());
            assertThat(askA.json().path("memoryVersion").asLong()).isEqualTo(version);
            assertThat(askA.json().path("answer").asText()).isEqualTo("Someone walks by [0.0s-5.0s].");
        }

        // And the owner showed the model the keyframes from its own store (one call per stream:
        // the second instance's ask of the same question came from the owner's answer cache)
        assertThat(llm.requests()).hasSize(streamIds.size());
        for (var request : llm.requests()) {
            assertThat(FakeOpenAiServer.images(request)).hasSize(2);
        }
        // And the list on either instance shows every stream
        for (ApiClient client : clients) {
            assertThat(client.get("/v1/streams").json().path("streams").findValuesAsText("id"))
                    .containsExactlyInAnyOrderElementsOf(streamIds);
        }
        // And each instance forwarded some requests to the other
        assertThat(forwarded(0)).isPositive();
        assertThat(forwarded(1)).isPositive();
    }

    @Test
    @Order(2)
    void shouldAnswerStandingQuestionsOnStreamsEitherInstanceOwns() throws Exception {
        // Given the streams above (memory and keyframes split between the instances) and a
        // standing question on each, which the model will match. All events arrive on the one
        // instance that runs lw.events' single partition, which holds the memory of only some
        // streams: the others are answered from the memory and keyframes of the other instance.
        llm.reply(FakeOpenAiServer.Reply.completion("{\"match\":true,\"answer\":\"Someone is there.\",\"time\":4.0}"));
        int modelCallsBefore = llm.requests().size();
        Map<String, String> subscriptionOf = new java.util.LinkedHashMap<>();
        for (String id : streamIds) {
            Reply created = clients.get(0).post("/v1/subscriptions",
                    ApiClient.json(Map.of("streamId", id, "question", "Is someone at " + id + "?", "cooldownSec", 1)));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            subscriptionOf.put(created.json().path("id").asText(), id);
        }

        // When the memory job reports a change on every stream, again each second until answered
        Map<String, dev.longwatch.schema.proto.EventAnswer> answers = new java.util.HashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "two-instances-check");
        try (KafkaProducer<String, dev.longwatch.schema.proto.MemoryEvent> memoryJob = producer(Topics.EVENTS);
                KafkaConsumer<String, dev.longwatch.schema.proto.EventAnswer> answerTopic = new KafkaConsumer<>(
                        props, Topics.EVENT_ANSWERS.keySerde().deserializer(), Topics.EVENT_ANSWERS.valueSerde().deserializer())) {
            answerTopic.subscribe(List.of(Topics.EVENT_ANSWERS.name()));
            Instant deadline = Instant.now().plus(CATCH_UP);
            long pts = 5000;
            while (!answers.keySet().containsAll(subscriptionOf.keySet()) && Instant.now().isBefore(deadline)) {
                for (String id : streamIds) {
                    memoryJob.send(new ProducerRecord<>(Topics.EVENTS.name(), id, dev.longwatch.schema.proto.MemoryEvent.newBuilder()
                            .setStreamId(id).setPtsMs(pts).setKind(dev.longwatch.schema.proto.EventKind.NOVELTY).build())).get();
                }
                pts++;
                answerTopic.poll(Duration.ofSeconds(1))
                        .forEach(r -> answers.putIfAbsent(r.value().getSubscriptionId(), r.value()));
            }
        }

        // Then every standing question was answered from its stream's real memory: the evidence
        // is the slot holding 4.0 s, and the model saw both keyframes of that stream
        assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(subscriptionOf.keySet());
        for (var entry : answers.entrySet()) {
            String streamId = subscriptionOf.get(entry.getKey());
            assertThat(entry.getValue().getStreamId()).isEqualTo(streamId);
            assertThat(entry.getValue().getAnswer()).isEqualTo("Someone is there.");
            assertThat(entry.getValue().getEvidenceList())
                    .extracting(e -> e.getKeyframeSeq())
                    .containsExactly(4L);
        }
        var standingCalls = llm.requests().subList(modelCallsBefore, llm.requests().size());
        assertThat(standingCalls).isNotEmpty();
        for (var request : standingCalls) {
            assertThat(FakeOpenAiServer.images(request)).extracting(FakeOpenAiServer.SeenImage::jpeg)
                    .anySatisfy(jpeg -> assertThat(subscriptionOf.values().stream()
                            .anyMatch(id -> java.util.Arrays.equals(jpeg, jpeg(id, 4)))).isTrue());
        }
    }

    private double activeTasks(int instance) {
        return metric(instance, "longwatch_query_active_tasks");
    }

    private double forwarded(int instance) {
        return metric(instance, "longwatch_query_forwarded_requests_total");
    }

    private double metric(int instance, String name) {
        return clients.get(instance).get("/metrics").text().lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(CATCH_UP);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static Reply awaitReply(String what, java.util.function.Supplier<Reply> call, java.util.function.Predicate<Reply> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(CATCH_UP);
        Reply last = call.get();
        while (!done.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what + "; last reply " + last.status() + " " + last.text());
            }
            Thread.sleep(100);
            last = call.get();
        }
        return last;
    }
}

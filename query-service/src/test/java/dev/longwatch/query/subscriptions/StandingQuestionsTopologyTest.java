package dev.longwatch.query.subscriptions;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.query.testing.Fixtures;
import dev.longwatch.query.testing.TestViews;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.Subscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standing questions on a TopologyTestDriver, the model a local OpenAI-compatible server. */
class StandingQuestionsTopologyTest {
    @TempDir Path viewsDir;
    @TempDir Path standingDir;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private OpenAiChatModel model;
    private TestViews views;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Subscription> subscriptions;
    private TestInputTopic<String, MemoryEvent> events;
    private TestOutputTopic<String, EventAnswer> answers;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;

    @BeforeEach
    void start() {
        views = new TestViews(viewsDir);
        views.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
        views.pipeMemory(memory("cam-1", 4, List.of(slot(0, 10_000, 10, 3), slot(10_000, 20_000, 10, 14))));
        views.pipeFrame(frame("cam-1", 3, 3000));
        views.pipeFrame(frame("cam-1", 14, 14_000));
        LlmSettings llmSettings = new LlmSettings(Optional.of(llm.baseUrl()), "fake-vlm", "k", Duration.ofSeconds(2), 0);
        model = new OpenAiChatModel(llmSettings);
        AskService asks = new AskService(views.views(), Optional.of(model), new SimpleMeterRegistry(), new ModelSlots(1, Duration.ofSeconds(1)));
        Properties config =
                StandingQuestionsTopology.streamsConfig(
                        QueryServiceSettings.defaults("test:9092").withStateDir(standingDir).withLlm(llmSettings));
        driver =
                new TopologyTestDriver(
                        StandingQuestionsTopology.build(views.views(), new StandingEvaluator(views.views(), asks)),
                        config,
                        Fixtures.BEGINNING);
        subscriptions = driver.createInputTopic(Topics.SUBSCRIPTIONS.name(), Topics.SUBSCRIPTIONS.keySerde().serializer(), Topics.SUBSCRIPTIONS.valueSerde().serializer());
        events = driver.createInputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(), Topics.EVENTS.valueSerde().serializer());
        answers = driver.createOutputTopic(Topics.EVENT_ANSWERS.name(), Topics.EVENT_ANSWERS.keySerde().deserializer(), Topics.EVENT_ANSWERS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DLQ.name(), Topics.DLQ.keySerde().deserializer(), Topics.DLQ.valueSerde().deserializer());
        subscribe("sub-door", "cam-1", "Does anyone open the door?", 60);
    }

    @AfterEach
    void stop() {
        driver.close();
        views.close();
        model.close();
        llm.close();
    }

    private void subscribe(String id, String streamId, String question, int cooldownSec) {
        subscriptions.pipeInput(
                id,
                Subscription.newBuilder().setId(id).setStreamId(streamId).setQuestion(question).setCooldownS(cooldownSec).build());
    }

    private void event(EventKind kind, long ptsMs) {
        events.pipeInput("cam-1", MemoryEvent.newBuilder().setStreamId("cam-1").setPtsMs(ptsMs).setKind(kind).setScore(0.9).build());
    }

    private static FakeOpenAiServer.Reply json(String json) {
        return FakeOpenAiServer.Reply.completion(json);
    }

    @Test
    void shouldAnswerAMatchWithItsTimeEvidenceAndADeterministicId() {
        llm.reply(json("{\"match\":true,\"answer\":\"A person opens the door.\",\"time\":12.5}"));

        event(EventKind.NOVELTY, 13_000);

        EventAnswer answer = answers.readValue();
        assertThat(answer.getId()).isEqualTo("sub-door@13000");
        assertThat(answer.getSubscriptionId()).isEqualTo("sub-door");
        assertThat(answer.getStreamId()).isEqualTo("cam-1");
        assertThat(answer.getAtMs()).isEqualTo(12_500);
        assertThat(answer.getAnswer()).isEqualTo("A person opens the door.");
        assertThat(answer.getEvidenceList()).singleElement().satisfies(span -> {
            assertThat(span.getStartSec()).isEqualTo(10.0);
            assertThat(span.getEndSec()).isEqualTo(20.0);
            assertThat(span.getKeyframeSeq()).isEqualTo(14);
        });
        assertThat(answers.isEmpty()).isTrue();
        JsonNode request = llm.requests().get(0);
        assertThat(request.path("response_format").path("type").asText()).isEqualTo("json_schema");
        assertThat(request.path("response_format").path("json_schema").path("schema").path("required"))
                .extracting(JsonNode::asText)
                .containsExactly("match", "answer", "time");
        assertThat(FakeOpenAiServer.images(request)).extracting(FakeOpenAiServer.SeenImage::markerBefore)
                .containsExactly("Slot 1: <t=0.0s> to <t=10.0s> (10 frames)", "Slot 2: <t=10.0s> to <t=20.0s> (10 frames)");
        JsonNode parts = FakeOpenAiServer.userParts(request);
        assertThat(parts.get(parts.size() - 1).path("text").asText())
                .isEqualTo("A change (NOVELTY) was detected at <t=13.0s>. Standing question: Does anyone open the door?");
    }

    @Test
    void shouldEvaluateAtMostOncePerCooldown() {
        llm.reply(json("{\"match\":true,\"answer\":\"Door open.\",\"time\":null}"));

        event(EventKind.NOVELTY, 1_000);
        driver.advanceWallClockTime(Duration.ofSeconds(59));
        event(EventKind.GAP, 2_000);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        event(EventKind.NOVELTY, 3_000);

        assertThat(llm.requests()).hasSize(2);
        assertThat(answers.readValuesToList()).extracting(EventAnswer::getId).containsExactly("sub-door@1000", "sub-door@3000");
    }

    @Test
    void shouldIgnoreStartEndOtherStreamsAndNonMatches() {
        subscribe("sub-other", "cam-2", "Anything?", 1);
        llm.reply(json("{\"match\":false,\"answer\":\"Nobody at the door.\",\"time\":null}"));

        event(EventKind.START, 0);
        event(EventKind.END, 20_000);
        event(EventKind.NOVELTY, 5_000);

        assertThat(llm.requests()).hasSize(1); // only the NOVELTY, only for sub-door
        assertThat(answers.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldSendUnanswerableQuestionsToTheDeadLetterTopic() {
        subscribe("sub-2", "cam-1", "Second question?", 1);
        llm.replies(
                json("{\"answer\":\"no match field\"}"),
                FakeOpenAiServer.Reply.status(500, "{\"error\":{\"message\":\"model crashed\"}}"));

        event(EventKind.NOVELTY, 4_000);

        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters).hasSize(2);
        assertThat(letters).allSatisfy(l -> {
            assertThat(l.getSourceTopic()).isEqualTo(Topics.EVENTS.name());
            assertThat(MemoryEvent.parseFrom(l.getValue()).getPtsMs()).isEqualTo(4_000);
        });
        assertThat(letters).extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).contains("does not follow the schema"))
                .anySatisfy(r -> assertThat(r).contains("500"));
        assertThat(answers.isEmpty()).isTrue();
    }

    @Test
    void shouldStopEvaluatingADeletedSubscription() {
        llm.reply(json("{\"match\":true,\"answer\":\"yes\",\"time\":1.0}"));
        subscriptions.pipeInput("sub-door", null);

        event(EventKind.NOVELTY, 1_000);

        assertThat(llm.requests()).isEmpty();
        assertThat(answers.isEmpty()).isTrue();
    }

    @Test
    void shouldReadStandingRepliesWrappedInAMarkdownFence() {
        StandingEvaluator.Reply reply = StandingEvaluator.parse("```json\n{\"match\":true,\"answer\":\"ok\",\"time\":2}\n```");

        assertThat(reply.match()).isTrue();
        assertThat(reply.timeSec()).contains(2.0);
    }
}

package dev.longwatch.query.ask;

import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.query.llm.ChatModel;
import dev.longwatch.query.llm.ChatModelException;
import dev.longwatch.query.llm.ChatPrompt;
import dev.longwatch.query.llm.ChatResponse;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AskServiceTest {
    private static final MemorySnapshot MEMORY =
            memory("cam-1", 3, List.of(slot(0, 4000, 4, 1), slot(4000, 9000, 5, 6)));

    /** Keyframe 1 stored, keyframe 6 missing (e.g. not yet caught up). */
    private static final MemoryViews VIEWS =
            new MemoryViews() {
                @Override
                public Optional<MemorySnapshot> memory(String streamId) {
                    return Optional.of(MEMORY);
                }

                @Override
                public List<Chapter> chapters(String streamId) {
                    return List.of();
                }

                @Override
                public Optional<StreamSpec> spec(String streamId) {
                    return Optional.empty();
                }

                @Override
                public Optional<StreamStatus> status(String streamId) {
                    return Optional.empty();
                }

                @Override
                public List<StreamSpec> specs() {
                    return List.of();
                }

                @Override
                public Optional<byte[]> frameJpeg(String streamId, long incarnation, long seq) {
                    return seq == 1 ? Optional.of(new byte[] {1}) : Optional.empty();
                }
            };

    /** Records prompts and answers with a fixed text, or fails. */
    private static final class RecordingModel implements ChatModel {
        final List<ChatPrompt> prompts = new ArrayList<>();
        String reply = "";
        boolean fail;

        @Override
        public String model() {
            return "recording";
        }

        @Override
        public ChatResponse generate(ChatPrompt prompt) {
            prompts.add(prompt);
            if (fail) {
                throw new ChatModelException("down");
            }
            return new ChatResponse(reply, "recording-1", ChatResponse.FinishReason.STOP, 10, 2, 5);
        }

        @Override
        public void close() {}
    }

    /** Counts calls and holds each one until the gate opens: a slow model, made slow on purpose. */
    private static final class GatedModel implements ChatModel {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public String model() {
            return "gated";
        }

        @Override
        public ChatResponse generate(ChatPrompt prompt) {
            calls.incrementAndGet();
            entered.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new ChatModelException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChatModelException("interrupted");
            }
            return new ChatResponse("At [0.0s-4.0s].", "gated-1", ChatResponse.FinishReason.STOP, 10, 2, 5);
        }

        @Override
        public void close() {}
    }

    @Test
    void shouldCallTheModelOnceForTwoIdenticalAsksInFlight() throws Exception {
        GatedModel model = new GatedModel();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        AskService service = new AskService(VIEWS, Optional.of(model), metrics);
        ExecutorService askers = Executors.newFixedThreadPool(2);
        try {
            Future<AskResult> first = askers.submit(() -> service.ask(MEMORY, "where?", TimeWindow.ALL));
            assertThat(model.entered.await(30, TimeUnit.SECONDS)).isTrue();
            // The second identical ask, while the first is with the model: it must wait for that
            // answer (its thread parks) rather than call the model itself.
            AtomicReference<Thread> secondThread = new AtomicReference<>();
            Future<AskResult> second = askers.submit(() -> {
                secondThread.set(Thread.currentThread());
                return service.ask(MEMORY, "where?", TimeWindow.ALL);
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!parked(secondThread.get()) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            model.gate.countDown();

            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(first.get(30, TimeUnit.SECONDS));
            assertThat(model.calls).hasValue(1);
            assertThat(metrics.counter("longwatch.llm.calls").count()).isEqualTo(1);
            assertThat(metrics.get("longwatch.ask.cache.hits").functionCounter().count()).isEqualTo(1);
            assertThat(metrics.get("cache.gets").tag("cache", "ask.answers").tag("result", "miss").functionCounter().count())
                    .isEqualTo(1);
        } finally {
            model.gate.countDown();
            askers.shutdownNow();
        }
    }

    /** Waiting on the first ask's answer, or (had it called the model itself) on the gate. */
    private static boolean parked(Thread thread) {
        return thread != null
                && (thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void shouldNotKeepAFailedAnswerAndAskTheModelAgain() throws Exception {
        RecordingModel model = new RecordingModel();
        model.fail = true;
        AskService service = new AskService(VIEWS, Optional.of(model), new SimpleMeterRegistry());

        assertThatThrownBy(() -> service.ask(MEMORY, "q", TimeWindow.ALL)).isInstanceOf(ChatModelException.class);
        model.fail = false;
        model.reply = "Now [0.0s-4.0s].";

        assertThat(service.ask(MEMORY, "q", TimeWindow.ALL).answer()).isEqualTo("Now [0.0s-4.0s].");
        assertThat(service.ask(MEMORY, "q", TimeWindow.ALL).answer()).isEqualTo("Now [0.0s-4.0s].");
        assertThat(model.prompts).hasSize(2); // the failure was not kept; the answer was
    }

    @Test
    void shouldSayWhenAKeyframeIsMissingInsteadOfSendingNothing() {
        RecordingModel model = new RecordingModel();
        model.reply = "It is at [4.0s-9.0s].";
        AskService service = new AskService(VIEWS, Optional.of(model), new SimpleMeterRegistry());

        AskResult result = service.ask(MEMORY, "where?", TimeWindow.ALL);

        List<ChatPrompt.Part> parts = model.prompts.get(0).parts();
        assertThat(parts)
                .containsExactly(
                        new ChatPrompt.Text("Slot 1: <t=0.0s> to <t=4.0s> (4 frames)"),
                        parts.get(1),
                        new ChatPrompt.Text("Slot 2: <t=4.0s> to <t=9.0s> (5 frames) [keyframe not available]"),
                        new ChatPrompt.Text("Question: where?"));
        assertThat(parts.get(1)).isInstanceOfSatisfying(ChatPrompt.JpegImage.class, i -> assertThat(i.label()).isEqualTo("Slot 1"));
        assertThat(result.evidence()).extracting(SlotSpan::keyframeSeq).containsExactly(6L);
        assertThat(result.llm()).contains(new AskResult.LlmCall("recording-1", 5));
    }

    @Test
    void shouldNotCallTheModelWhenTheWindowHoldsNoSlots() {
        RecordingModel model = new RecordingModel();
        AskService service = new AskService(VIEWS, Optional.of(model), new SimpleMeterRegistry());

        AskResult result = service.ask(MEMORY, "q", new TimeWindow(100, 200));

        assertThat(model.prompts).isEmpty();
        assertThat(result.evidence()).isEmpty();
        assertThat(result.answer()).contains("no slots");
    }

    @Test
    void shouldCountModelErrorsAndPassThemOn() {
        RecordingModel model = new RecordingModel();
        model.fail = true;
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        AskService service = new AskService(VIEWS, Optional.of(model), metrics);

        assertThatThrownBy(() -> service.ask(MEMORY, "q", TimeWindow.ALL)).isInstanceOf(ChatModelException.class);
        assertThat(metrics.counter("longwatch.llm.calls").count()).isEqualTo(1);
        assertThat(metrics.counter("longwatch.llm.errors").count()).isEqualTo(1);
    }
}

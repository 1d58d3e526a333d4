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

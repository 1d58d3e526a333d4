package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.FrameEmbedding;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

class EmbeddingDecoderTest {
    private OneInputStreamOperatorTestHarness<RawKafkaRecord, EmbeddingEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new EmbeddingDecoder());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private List<DeadLetter> deadLetters() {
        var sideOutput = harness.getSideOutput(DeadLetters.TAG);
        if (sideOutput == null) {
            return List.of(); // the harness creates the queue on the first side output
        }
        return sideOutput.stream()
                .map(StreamRecord::getValue)
                .map(r -> Topics.DLQ.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .collect(Collectors.toList());
    }

    @Test
    void shouldDecodeF16AndF32Frames() throws Exception {
        EmbeddingEvent frame =
                TestFrames.frame("cam-1", 3, TestFrames.sceneValues("cam-1", 3), true);
        harness.processElement(TestFrames.raw(frame, 10), 0);
        harness.processElement(
                TestFrames.raw("cam-1", TestFrames.proto(frame, DType.F16).toByteArray(), 11), 0);

        List<EmbeddingEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        EmbeddingEvent f32 = out.get(0);
        assertThat(f32.streamId()).isEqualTo("cam-1");
        assertThat(f32.seq()).isEqualTo(3);
        assertThat(f32.ptsMs()).isEqualTo(frame.ptsMs());
        assertThat(f32.wallMs()).isEqualTo(frame.wallMs());
        assertThat(f32.encoderId()).isEqualTo(TestFrames.ENCODER);
        assertThat(f32.gapBefore()).isTrue();
        assertThat(f32.values()).containsExactly(frame.values());
        assertThat(out.get(1).values()).hasSize(frame.values().length);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void shouldDeadLetterPoisonRecordsWithTheReason() throws Exception {
        EmbeddingEvent good = TestFrames.axisFrame("cam-1", 0, 0);
        FrameEmbedding proto = TestFrames.proto(good, DType.F32);
        float[] withNaN = good.values().clone();
        withNaN[5] = Float.NaN;

        harness.processElement(
                TestFrames.raw("cam-1", "not protobuf".getBytes(StandardCharsets.UTF_8), 1), 0);
        harness.processElement(
                TestFrames.raw("cam-1", proto.toBuilder().setDim(9).build().toByteArray(), 2), 0);
        harness.processElement(TestFrames.raw("cam-2", proto.toByteArray(), 3), 0);
        harness.processElement(
                TestFrames.raw(
                        "cam-1",
                        TestFrames.proto(TestFrames.frame("cam-1", 0, withNaN, false), DType.F32)
                                .toByteArray(),
                        4),
                0);
        harness.processElement(TestFrames.raw("cam-1", null, 5), 0);
        harness.processElement(
                TestFrames.raw(
                        "bad id!",
                        proto.toBuilder().setStreamId("bad id!").build().toByteArray(),
                        6),
                0);
        harness.processElement(
                TestFrames.raw(
                        "cam-1",
                        proto.toBuilder()
                                .setTokens(0)
                                .setData(ByteString.EMPTY)
                                .build()
                                .toByteArray(),
                        7),
                0);

        assertThat(harness.extractOutputValues()).isEmpty();
        List<DeadLetter> letters = deadLetters();
        assertThat(letters)
                .extracting(DeadLetter::getOffset)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .satisfiesExactly(
                        r -> assertThat(r).contains("protobuf"),
                        r -> assertThat(r).contains("4x9").contains("bytes"),
                        r -> assertThat(r).contains("key 'cam-2'"),
                        r -> assertThat(r).contains("NaN"),
                        r -> assertThat(r).contains("tombstone"),
                        r -> assertThat(r).contains("invalid stream_id"),
                        r -> assertThat(r).contains("0x8"));
        DeadLetter first = letters.get(0);
        assertThat(first.getSourceTopic()).isEqualTo(Topics.EMBEDDINGS.name());
        assertThat(first.getValue().toStringUtf8()).isEqualTo("not protobuf");
        assertThat(first.getKey().toStringUtf8()).isEqualTo("cam-1");
        assertThat(first.getComponent()).isEqualTo(DeadLetters.COMPONENT);
    }
}

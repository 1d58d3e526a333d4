package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.schema.proto.DType;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What event time a record gets, and that the control plane never holds the watermark back. */
class EventTimeTest {
    private static final long KAFKA_TIMESTAMP = 7_777;

    private final TimestampAssigner<RawKafkaRecord> assigner = new EventTime.FrameTime();

    @Test
    void shouldTakeTheFramesWallClockWhateverTheDtype() {
        EmbeddingEvent frame = TestFrames.axisFrame("cam-1", 3, 0);
        for (DType dtype : List.of(DType.F16, DType.F32)) {
            byte[] value = TestFrames.proto(frame, dtype).toByteArray();
            RawKafkaRecord record = TestFrames.raw("cam-1", value, 0);
            assertThat(assigner.extractTimestamp(record, KAFKA_TIMESTAMP))
                    .isEqualTo(frame.wallMs())
                    .isEqualTo(TestFrames.WALL_START_MS + 3 * TestFrames.FRAME_MS);
        }
    }

    @Test
    void shouldFallBackToTheKafkaTimestampWithoutAWallClock() {
        EmbeddingEvent frame = TestFrames.axisFrame("cam-1", 3, 0);
        byte[] noWall = TestFrames.proto(frame, DType.F32).toBuilder().clearWallMs().build()
                .toByteArray();
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        for (byte[] value : new byte[][] {noWall, garbage, null, new byte[0]}) {
            assertThat(assigner.extractTimestamp(TestFrames.raw("cam-1", value, 0), KAFKA_TIMESTAMP))
                    .isEqualTo(KAFKA_TIMESTAMP);
        }
    }

    @Test
    void shouldKeepTheControlPlaneIdleAndWithoutWatermarks() {
        WatermarkGenerator<RawKafkaRecord> generator =
                EventTime.controlPlane().createWatermarkGenerator(null);
        List<String> emitted = new ArrayList<>();
        WatermarkOutput output =
                new WatermarkOutput() {
                    @Override
                    public void emitWatermark(Watermark watermark) {
                        emitted.add("watermark " + watermark.getTimestamp());
                    }

                    @Override
                    public void markIdle() {
                        emitted.add("idle");
                    }

                    @Override
                    public void markActive() {
                        emitted.add("active");
                    }
                };
        generator.onPeriodicEmit(output);
        generator.onEvent(TestFrames.raw("cam-1", null, 0), KAFKA_TIMESTAMP, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly("idle", "idle");
    }
}

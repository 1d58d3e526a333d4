package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.StreamSpec;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

class StreamControlDecoderTest {

    private static RawKafkaRecord record(String key, byte[] value) {
        return new RawKafkaRecord(
                Topics.STREAMS.name(),
                0,
                7,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value);
    }

    @Test
    void shouldTurnSpecsIntoIncarnationsTombstonesIntoDeletionsAndDeadLetterTheRest() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawKafkaRecord, StreamControl> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new StreamControlDecoder()))) {
            harness.open();
            byte[] spec =
                    StreamSpec.newBuilder()
                            .setId("cam-1")
                            .setUri("file:///a.mp4")
                            .setCreatedMs(1_700_000_000_000L)
                            .build()
                            .toByteArray();
            harness.processElement(record("cam-1", spec), 0);
            harness.processElement(record("cam-1", null), 0);
            harness.processElement(record("not a stream id!", null), 0);
            harness.processElement(record(null, null), 0);
            harness.processElement(record("cam-2", "garbage".getBytes(StandardCharsets.UTF_8)), 0);
            harness.processElement(record("cam-3", spec), 0);

            assertThat(harness.extractOutputValues())
                    .containsExactly(
                            StreamControl.created("cam-1", 1_700_000_000_000L),
                            StreamControl.deleted("cam-1"));
            List<DeadLetter> letters =
                    OutRecords.deadLetters(
                            harness.getSideOutput(DeadLetters.TAG).stream()
                                    .map(r -> r.getValue())
                                    .toList());
            assertThat(letters).hasSize(4);
            assertThat(letters.get(2).getReason()).contains("not a stream spec");
            assertThat(letters.get(3).getReason()).contains("spec of 'cam-1' under the key 'cam-3'");
            assertThat(letters.get(0).getReason()).contains("not a stream id!");
            assertThat(letters.get(0).getSourceTopic()).isEqualTo(Topics.STREAMS.name());
            assertThat(letters.get(0).getOffset()).isEqualTo(7);
        }
    }
}

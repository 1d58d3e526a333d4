package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.longwatch.schema.Topics;
import java.util.Arrays;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * The memory job's decoders on raw Kafka records, as the job runs them (inside Flink operators):
 * each record either becomes an event or a dead letter, and nothing escapes to fail the job.
 * Seeds in {@code TopicValuesFuzzTestInputs}; {@code JAZZER_FUZZ=1} runs a campaign (FUZZING.md).
 */
class TopicValuesFuzzTest {
    /** {@code lw.embeddings}: the raw value. */
    @FuzzTest(maxDuration = "2m")
    void embedding(byte[] value) throws Exception {
        try (OneInputStreamOperatorTestHarness<RawKafkaRecord, EmbeddingEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new EmbeddingDecoder()))) {
            harness.open();
            harness.processElement(new RawKafkaRecord(Topics.EMBEDDINGS.name(), 0, 1, "cam-1".getBytes(), value), 0);
            int events = harness.extractOutputValues().size();
            int letters = harness.getSideOutput(DeadLetters.TAG) == null ? 0 : harness.getSideOutput(DeadLetters.TAG).size();
            assertThat(events + letters).isEqualTo(1);
        }
    }

    /** {@code lw.streams}: first byte the key's length (255: no key), the key, then the value. */
    @FuzzTest(maxDuration = "2m")
    void streamControl(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int keyLength = input[0] & 0xff;
        byte[] key = keyLength == 255 ? null : Arrays.copyOfRange(input, 1, Math.min(input.length, 1 + keyLength));
        int valueStart = keyLength == 255 ? 1 : Math.min(input.length, 1 + keyLength);
        byte[] value = valueStart >= input.length ? null : Arrays.copyOfRange(input, valueStart, input.length);
        try (OneInputStreamOperatorTestHarness<RawKafkaRecord, StreamControl> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new StreamControlDecoder()))) {
            harness.open();
            harness.processElement(new RawKafkaRecord(Topics.STREAMS.name(), 0, 1, key, value), 0);
            int controls = harness.extractOutputValues().size();
            int letters = harness.getSideOutput(DeadLetters.TAG) == null ? 0 : harness.getSideOutput(DeadLetters.TAG).size();
            assertThat(controls + letters).isLessThanOrEqualTo(1);
            if (value == null) {
                assertThat(controls + letters).isEqualTo(1); // a tombstone is a deletion or a dead letter
            }
        }
    }
}

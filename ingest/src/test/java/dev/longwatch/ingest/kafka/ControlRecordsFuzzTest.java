package dev.longwatch.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.longwatch.schema.StreamIds;
import java.util.Arrays;

/**
 * Raw {@code lw.streams} records through the decode path ingest's control loop uses: a spec, a
 * tombstone or poison with a reason, never an exception. Input framing: first byte the key's
 * length (255: no key), then the key, then the value (none left: a tombstone).
 */
class ControlRecordsFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void parse(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int keyLength = input[0] & 0xff;
        byte[] key = keyLength == 255 ? null : Arrays.copyOfRange(input, 1, Math.min(input.length, 1 + keyLength));
        int valueStart = keyLength == 255 ? 1 : Math.min(input.length, 1 + keyLength);
        byte[] value = valueStart >= input.length ? null : Arrays.copyOfRange(input, valueStart, input.length);

        ControlRecords.Parsed parsed = ControlRecords.parse(key, value);

        if (parsed instanceof ControlRecords.Spec spec) {
            assertThat(StreamIds.isValid(spec.id())).isTrue();
            assertThat(value).isNotNull();
            assertThat(spec.spec().getId()).isIn("", spec.id());
        } else if (parsed instanceof ControlRecords.Tombstone tombstone) {
            assertThat(StreamIds.isValid(tombstone.id())).isTrue();
            assertThat(value).isNull();
        } else {
            assertThat(((ControlRecords.Poison) parsed).reason()).isNotBlank();
        }
    }
}

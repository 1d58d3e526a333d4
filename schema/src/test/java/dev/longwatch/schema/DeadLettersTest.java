package dev.longwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.schema.DeadLetters.Origin;
import dev.longwatch.schema.proto.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final Origin ORIGIN = new Origin("lw.frames", 3, 42);

    @Test
    void shouldKeepASmallRecordWhole() throws Exception {
        byte[] key = "cam-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = {1, 2, 3};

        DeadLetter letter = DeadLetters.of(ORIGIN, key, value, "bad frame", "ingest", 7);

        DeadLetter parsed = DeadLetter.parseFrom(letter.toByteArray());
        assertThat(parsed.getKey().toByteArray()).isEqualTo(key);
        assertThat(parsed.getValue().toByteArray()).isEqualTo(value);
        assertThat(parsed.getValueSize()).isEqualTo(3);
        assertThat(parsed.getTruncated()).isFalse();
        assertThat(parsed.getSourceTopic()).isEqualTo("lw.frames");
        assertThat(parsed.getPartition()).isEqualTo(3);
        assertThat(parsed.getOffset()).isEqualTo(42);
        assertThat(parsed.getReason()).isEqualTo("bad frame");
        assertThat(parsed.getComponent()).isEqualTo("ingest");
        assertThat(parsed.getAtMs()).isEqualTo(7);
    }

    @Test
    void shouldFitUnderTheMessageLimitWhenEveryPartIsAtItsWorst() {
        byte[] key = new byte[Topics.MAX_MESSAGE_BYTES];
        byte[] value = new byte[Topics.MAX_MESSAGE_BYTES];
        Arrays.fill(value, (byte) 7);
        // Four UTF-8 bytes a code point (two chars): the longest reason in bytes.
        String reason = "\uD83D\uDCA5".repeat(Topics.MAX_MESSAGE_BYTES / 4);

        DeadLetter letter = DeadLetters.of(ORIGIN, key, value, reason, "encoder-worker", 7);
        byte[] recordKey = DeadLetters.recordKey(key);

        // The broker checks the whole batch; record and batch headers take well under 1 KiB.
        assertThat(letter.getSerializedSize() + recordKey.length + 1024).isLessThanOrEqualTo(Topics.MAX_MESSAGE_BYTES);
        assertThat(letter.getTruncated()).isTrue();
        assertThat(letter.getValueSize()).isEqualTo(Topics.MAX_MESSAGE_BYTES);
        assertThat(letter.getValue().size()).isEqualTo(DeadLetters.MAX_VALUE_BYTES);
        assertThat(letter.getValue().byteAt(0)).isEqualTo((byte) 7);
        assertThat(recordKey).hasSize(DeadLetters.MAX_KEY_BYTES);
    }

    @Test
    void shouldMarkACutKeyAsTruncated() {
        DeadLetter letter = DeadLetters.of(ORIGIN, new byte[DeadLetters.MAX_KEY_BYTES + 1], new byte[0], "r", "c", 0);

        assertThat(letter.getTruncated()).isTrue();
        assertThat(letter.getKey().size()).isEqualTo(DeadLetters.MAX_KEY_BYTES);
    }

    @Test
    void shouldAcceptTombstonesAndKeylessRecords() {
        DeadLetter letter = DeadLetters.of(Origin.unknown("lw.streams"), null, null, null, "ingest", 0);

        assertThat(letter.getKey().isEmpty()).isTrue();
        assertThat(letter.getValue().isEmpty()).isTrue();
        assertThat(letter.getValueSize()).isZero();
        assertThat(letter.getPartition()).isEqualTo(-1);
        assertThat(letter.getReason()).isEmpty();
    }
}

package dev.longwatch.query.ask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.ask.EvidenceSpans.Cited;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvidenceSpansTest {
    private static final List<SlotSpan> SLOTS =
            List.of(
                    new SlotSpan(1, 0.0, 6.0, 6, 0),
                    new SlotSpan(2, 6.0, 12.04, 6, 7),
                    new SlotSpan(3, 12.04, 12.04, 1, 12),
                    new SlotSpan(4, 12.5, 18.0, 5, 15));

    @Test
    void shouldParseSpansInTheCitedNotationAndCommonVariants() {
        assertThat(EvidenceSpans.parse("a [12.0s-18.0s] b [3s] c [4-5s] d [ 7.5s – 9s ] e [20s to 25s]"))
                .containsExactly(
                        new Cited(12.0, 18.0), new Cited(3, 3), new Cited(4, 5), new Cited(7.5, 9), new Cited(20, 25));
    }

    @Test
    void shouldReadLitaStyleTimeTokensAsCitations() {
        assertThat(EvidenceSpans.parse("Slot 2: <t=6.0s> to <t=12.0s> shows it; again at <t=14s>"))
                .containsExactly(new Cited(6.0, 12.0), new Cited(14, 14));
        assertThat(EvidenceSpans.cited("around <t=13.0s>", SLOTS)).extracting(SlotSpan::number).containsExactly(4);
    }

    @Test
    void shouldNotReadFootnotesOrPlainNumbersAsTimes() {
        assertThat(EvidenceSpans.parse("see [3] and [2, 4] at 12.0s-18.0s")).isEmpty();
    }

    @Test
    void shouldSnapCitedSpansToTheSlotsTheyOverlap() {
        assertThat(EvidenceSpans.cited("[6.0s-12.0s]", SLOTS)).extracting(SlotSpan::number).containsExactly(2);
        assertThat(EvidenceSpans.cited("[2s-8s]", SLOTS)).extracting(SlotSpan::number).containsExactly(1, 2);
        assertThat(EvidenceSpans.cited("[13.0s-14.0s] then [1.0s-2.0s]", SLOTS))
                .extracting(SlotSpan::number)
                .containsExactly(1, 4);
    }

    @Test
    void shouldNotCountANeighbourThatOnlyTouchesThroughRounding() {
        // Slot 2 ends at 12.04, printed 12.0; citing slot 4 as [12.0s-18.0s] must not pull in slot 2.
        assertThat(EvidenceSpans.cited("[12.5s-18.0s]", SLOTS)).extracting(SlotSpan::number).containsExactly(4);
        assertThat(EvidenceSpans.cited("[12.0s-18.0s]", SLOTS)).extracting(SlotSpan::number).containsExactly(3, 4);
    }

    @Test
    void shouldDropInventedSpansAndKeepEachSlotOnce() {
        assertThat(EvidenceSpans.cited("[30s-40s] [100.0s]", SLOTS)).isEmpty();
        assertThat(EvidenceSpans.cited("[0.0s-6.0s] and again [1s-2s] [0.0s-6.0s]", SLOTS))
                .extracting(SlotSpan::number)
                .containsExactly(1);
    }

    @Test
    void shouldMatchAnInstantInsideASlotOrASingleFrameSlot() {
        assertThat(EvidenceSpans.cited("[3.0s]", SLOTS)).extracting(SlotSpan::number).containsExactly(1);
        assertThat(EvidenceSpans.cited("[12.0s-12.1s]", SLOTS)).extracting(SlotSpan::number).contains(3);
    }
}

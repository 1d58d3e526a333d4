package dev.longwatch.query.ask;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the time spans a model cites ({@code [12.0s-18.0s]}, also {@code [12.0s]}, {@code
 * [12-18s]}, en dash) and checks them against the memory: a cited span counts only if it
 * overlaps a slot the model was shown, and then the slot's exact span is the evidence. Spans that
 * match no slot are invented and dropped.
 */
public final class EvidenceSpans {
    // The trailing 's' is required so that footnote-style "[3]" is not read as a time.
    private static final Pattern SPAN =
            Pattern.compile(
                    "\\[\\s*(\\d+(?:\\.\\d+)?)\\s*s?\\s*(?:(?:-|–|—|to)\\s*(\\d+(?:\\.\\d+)?)\\s*)?s\\s*]");
    // LITA-style time tokens as the prompt writes them: <t=12.0s>, optionally "to"/"-" <t=18.0s>.
    private static final Pattern TIME_TOKENS =
            Pattern.compile(
                    "<t=(\\d+(?:\\.\\d+)?)s?>(?:\\s*(?:-|–|—|to)\\s*<t=(\\d+(?:\\.\\d+)?)s?>)?");
    /** Slot times are printed with one decimal: half of that is rounding, not a real overlap. */
    private static final double ROUNDING_SEC = 0.05;

    private EvidenceSpans() {}

    /** A span as cited, in seconds, start <= end. */
    public record Cited(double startSec, double endSec) {}

    /** Every span cited in {@code text}: bracketed spans first, then time tokens, each in the order written. */
    public static List<Cited> parse(String text) {
        List<Cited> spans = new ArrayList<>();
        for (Pattern pattern : List.of(SPAN, TIME_TOKENS)) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                double a = Double.parseDouble(m.group(1));
                double b = m.group(2) == null ? a : Double.parseDouble(m.group(2));
                spans.add(new Cited(Math.min(a, b), Math.max(a, b)));
            }
        }
        return spans;
    }

    /** The slots cited in {@code text}, each once, in time order. */
    public static List<SlotSpan> cited(String text, List<SlotSpan> slots) {
        Set<SlotSpan> hits = new LinkedHashSet<>();
        for (Cited span : parse(text)) {
            for (SlotSpan slot : slots) {
                if (overlaps(span, slot)) {
                    hits.add(slot);
                }
            }
        }
        List<SlotSpan> ordered = new ArrayList<>(hits);
        ordered.sort((x, y) -> Double.compare(x.startSec(), y.startSec()));
        return ordered;
    }

    static boolean overlaps(Cited span, SlotSpan slot) {
        double shared = Math.min(span.endSec(), slot.endSec()) - Math.max(span.startSec(), slot.startSec());
        if (span.endSec() - span.startSec() < ROUNDING_SEC) {
            // A cited instant, printed with rounding: it only has to touch the slot.
            return shared >= -ROUNDING_SEC;
        }
        if (slot.endSec() - slot.startSec() < ROUNDING_SEC) {
            // A single-frame slot must lie inside the cited span, not next to it.
            return shared >= 0;
        }
        // Adjacent slots share an end point; a neighbour printed with rounding must not count.
        return shared > ROUNDING_SEC;
    }
}

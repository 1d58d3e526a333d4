package dev.longwatch.query.ask;

import dev.longwatch.query.llm.ChatPrompt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a memory and a question into a {@link ChatPrompt}: per slot a text marker with its time
 * span ({@code Slot 3: 12.0s-18.0s (6 frames)}) followed by its keyframe, then the question. The
 * markers use the same notation the model is asked to cite, so {@link EvidenceSpans} can map the
 * citations back to slots.
 */
public final class MemoryPrompt {
    static final String SYSTEM =
            "You are shown the memory of a video stream as time-stamped keyframes. The memory is a"
                    + " sequence of slots; each slot covers a span of the video, in seconds from the"
                    + " stream's first frame, and is shown as one keyframe image preceded by a"
                    + " marker such as \"Slot 3: 12.0s-18.0s (6 frames)\". Answer the question from"
                    + " what the keyframes show. Cite the evidence for your answer as the time spans"
                    + " of the slots you used, copied from their markers in the form [12.0s-18.0s]."
                    + " If the keyframes do not show the answer, say so plainly.";

    private MemoryPrompt() {}

    /**
     * @param slots the slots to show, in time order
     * @param keyframes the JPEG of a slot's keyframe, empty if it is not available
     */
    public static ChatPrompt build(
            List<SlotSpan> slots, Function<SlotSpan, Optional<byte[]>> keyframes, String question) {
        List<ChatPrompt.Part> parts = new ArrayList<>(slots.size() * 2 + 1);
        for (SlotSpan slot : slots) {
            Optional<byte[]> jpeg = keyframes.apply(slot);
            String marker = marker(slot);
            parts.add(new ChatPrompt.Text(jpeg.isPresent() ? marker : marker + " [keyframe not available]"));
            jpeg.ifPresent(bytes -> parts.add(new ChatPrompt.JpegImage("Slot " + slot.number(), bytes)));
        }
        parts.add(new ChatPrompt.Text("Question: " + question));
        return new ChatPrompt(SYSTEM, parts);
    }

    /** {@code Slot 3: 12.0s-18.0s (6 frames)}. */
    public static String marker(SlotSpan slot) {
        return String.format(
                Locale.ROOT,
                "Slot %d: %s-%s (%d %s)",
                slot.number(),
                seconds(slot.startSec()),
                seconds(slot.endSec()),
                slot.frames(),
                slot.frames() == 1 ? "frame" : "frames");
    }

    static String seconds(double sec) {
        return String.format(Locale.ROOT, "%.1fs", sec);
    }
}

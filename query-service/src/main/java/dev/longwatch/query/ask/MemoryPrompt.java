package dev.longwatch.query.ask;

import dev.longwatch.query.llm.ChatPrompt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a memory and a question into a {@link ChatPrompt}: per slot a text marker with LITA-style
 * time tokens ({@code Slot 3: <t=12.0s> to <t=18.0s> (6 frames)}) followed by its keyframe, then
 * the question. The model is asked to cite spans as {@code [12.0s-18.0s]};
 * {@link EvidenceSpans} reads that and the time tokens themselves, and maps them back to slots.
 */
public final class MemoryPrompt {
    static final String SYSTEM =
            "You are shown the memory of a video stream as time-stamped keyframes. The memory is a"
                    + " sequence of slots; each slot covers a span of the video, and is shown as one"
                    + " keyframe image preceded by a marker such as"
                    + " \"Slot 3: <t=12.0s> to <t=18.0s> (6 frames)\". A time token <t=12.0s> is a"
                    + " time in seconds from the stream's first frame. Answer the question from what"
                    + " the keyframes show. Cite the evidence for your answer as the time spans of"
                    + " the slots you used, in the form [12.0s-18.0s]. If the keyframes do not show"
                    + " the answer, say so plainly.";

    private MemoryPrompt() {}

    /**
     * @param slots the slots to show, in time order
     * @param keyframes the JPEG of a slot's keyframe, empty if it is not available
     */
    public static ChatPrompt build(
            List<SlotSpan> slots, Function<SlotSpan, Optional<byte[]>> keyframes, String question) {
        List<ChatPrompt.Part> parts = memoryParts(slots, keyframes);
        parts.add(new ChatPrompt.Text("Question: " + question));
        return new ChatPrompt(SYSTEM, parts);
    }

    /** Per slot its marker, then its keyframe; a mutable list so callers can append the question. */
    public static List<ChatPrompt.Part> memoryParts(
            List<SlotSpan> slots, Function<SlotSpan, Optional<byte[]>> keyframes) {
        List<ChatPrompt.Part> parts = new ArrayList<>(slots.size() * 2 + 1);
        for (SlotSpan slot : slots) {
            Optional<byte[]> jpeg = keyframes.apply(slot);
            String marker = marker(slot);
            parts.add(new ChatPrompt.Text(jpeg.isPresent() ? marker : marker + " [keyframe not available]"));
            jpeg.ifPresent(bytes -> parts.add(new ChatPrompt.JpegImage("Slot " + slot.number(), bytes)));
        }
        return parts;
    }

    /** {@code Slot 3: <t=12.0s> to <t=18.0s> (6 frames)}. */
    public static String marker(SlotSpan slot) {
        return String.format(
                Locale.ROOT,
                "Slot %d: %s to %s (%d %s)",
                slot.number(),
                timeToken(slot.startSec()),
                timeToken(slot.endSec()),
                slot.frames(),
                slot.frames() == 1 ? "frame" : "frames");
    }

    /** A LITA-style time token, {@code <t=12.0s>}. */
    public static String timeToken(double sec) {
        return String.format(Locale.ROOT, "<t=%.1fs>", sec);
    }
}

package dev.longwatch.query.llm;

import java.util.List;
import java.util.Objects;

/**
 * One request to a {@link ChatModel}: the system instruction and the user turn, in order.
 *
 * @param system the system message
 * @param parts the user message: text and images, in the order the model should read them
 */
public record ChatPrompt(String system, List<Part> parts) {

    public ChatPrompt {
        Objects.requireNonNull(system, "system");
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a prompt needs at least one part");
        }
    }

    /** One piece of the user turn. */
    public sealed interface Part permits Text, JpegImage {}

    /** Plain text. */
    public record Text(String text) implements Part {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A JPEG image. The label names it for logs and tests; models see only the image, so the
     * text before it must say what it is.
     */
    public record JpegImage(String label, byte[] jpeg) implements Part {
        public JpegImage {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(jpeg, "jpeg");
        }

        @Override
        public String toString() {
            return "JpegImage[" + label + ", " + jpeg.length + " bytes]";
        }
    }
}

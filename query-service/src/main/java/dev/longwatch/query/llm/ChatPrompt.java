package dev.longwatch.query.llm;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to a {@link ChatModel}: the system instruction and the user turn, in order.
 *
 * @param system the system message
 * @param parts the user message: text and images, in the order the model should read them
 * @param responseSchema when present, the reply must be JSON of this schema (structured output)
 */
public record ChatPrompt(String system, List<Part> parts, Optional<ResponseSchema> responseSchema) {

    /** A prompt whose reply is free text. */
    public ChatPrompt(String system, List<Part> parts) {
        this(system, parts, Optional.empty());
    }

    public ChatPrompt {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(responseSchema, "responseSchema");
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a prompt needs at least one part");
        }
    }

    /**
     * A JSON schema the reply must follow ({@code response_format: json_schema}, strict).
     *
     * @param name a short name of the schema, e.g. {@code standing_answer}
     * @param schema the JSON schema as nested maps and lists
     */
    public record ResponseSchema(String name, Map<String, Object> schema) {
        public ResponseSchema {
            Objects.requireNonNull(name, "name");
            schema = Map.copyOf(schema);
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

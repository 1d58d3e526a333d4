package dev.longwatch.memory.job;

import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.FrameEmbedding;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/**
 * Parses and checks raw {@code lw.embeddings} records. A record that is not a well-formed frame
 * embedding goes to {@link DeadLetters#TAG} with the reason; it never fails the job and is never
 * dropped silently.
 */
public class EmbeddingDecoder extends ProcessFunction<RawKafkaRecord, EmbeddingEvent> {

    @Override
    public void processElement(RawKafkaRecord raw, Context ctx, Collector<EmbeddingEvent> out) {
        EmbeddingEvent event;
        try {
            event = decode(raw);
        } catch (RuntimeException e) {
            // Protobuf, codec and validation failures all land here with a readable message.
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            raw, e.getMessage(), ctx.timerService().currentProcessingTime()));
            return;
        }
        out.collect(event);
    }

    static EmbeddingEvent decode(RawKafkaRecord raw) {
        if (raw.value() == null) {
            throw new IllegalArgumentException(
                    "record has no value (a tombstone on lw.embeddings)");
        }
        FrameEmbedding embedding =
                Topics.EMBEDDINGS.valueSerde().deserializer().deserialize(raw.topic(), raw.value());
        String streamId = embedding.getStreamId();
        if (!StreamIds.isValid(streamId)) {
            throw new IllegalArgumentException("invalid stream_id '" + streamId + "'");
        }
        if (raw.key() != null) {
            String key = new String(raw.key(), StandardCharsets.UTF_8);
            if (!key.equals(streamId)) {
                throw new IllegalArgumentException(
                        "record key '" + key + "' differs from stream_id '" + streamId + "'");
            }
        }
        if (embedding.getTokens() < 1 || embedding.getDim() < 1) {
            throw new IllegalArgumentException(
                    "shape "
                            + embedding.getTokens()
                            + "x"
                            + embedding.getDim()
                            + " is empty; tokens and dim must be positive");
        }
        if (embedding.getDtype() != DType.F16 && embedding.getDtype() != DType.F32) {
            throw new IllegalArgumentException("unsupported dtype " + embedding.getDtype());
        }
        if (embedding.getSeq() < 0) {
            throw new IllegalArgumentException("negative seq " + embedding.getSeq());
        }
        float[] values = TokenCodec.decode(embedding);
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        "value "
                                + i
                                + " of "
                                + values.length
                                + " is "
                                + values[i]
                                + "; all must be finite");
            }
        }
        return new EmbeddingEvent(
                streamId,
                embedding.getSeq(),
                embedding.getPtsMs(),
                embedding.getWallMs(),
                embedding.getEncoderId(),
                embedding.getTokens(),
                embedding.getDim(),
                values,
                embedding.getGapBefore(),
                embedding.getIncarnation());
    }
}

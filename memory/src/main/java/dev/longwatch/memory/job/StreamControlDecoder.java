package dev.longwatch.memory.job;

import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamSpec;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/**
 * Reads the control plane ({@code lw.streams}) for what the memory job must act on: a spec says
 * which incarnation of the stream exists (its {@code created_ms}), a tombstone deletes the stream
 * (see {@link IncarnationRules}). A record whose key is not a stream id, or whose value is not a
 * spec of that id, goes to {@link DeadLetters#TAG}.
 */
public class StreamControlDecoder extends ProcessFunction<RawKafkaRecord, StreamControl> {

    @Override
    public void processElement(RawKafkaRecord raw, Context ctx, Collector<StreamControl> out) {
        String streamId = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        if (streamId == null || !StreamIds.isValid(streamId)) {
            deadLetter(raw, "record without a valid stream id as key: '" + streamId + "'", ctx);
            return;
        }
        if (raw.value() == null) {
            out.collect(StreamControl.deleted(streamId));
            return;
        }
        StreamSpec spec;
        try {
            spec = Topics.STREAMS.valueSerde().deserializer().deserialize(raw.topic(), raw.value());
        } catch (RuntimeException e) {
            deadLetter(raw, "not a stream spec: " + e.getMessage(), ctx);
            return;
        }
        if (!spec.getId().equals(streamId)) {
            deadLetter(raw, "spec of '" + spec.getId() + "' under the key '" + streamId + "'", ctx);
            return;
        }
        out.collect(StreamControl.created(streamId, spec.getCreatedMs()));
    }

    private static void deadLetter(RawKafkaRecord raw, String reason, Context ctx) {
        ctx.output(DeadLetters.TAG, DeadLetters.of(raw, reason, ctx.timerService().currentProcessingTime()));
    }
}

package dev.longwatch.memory.job;

import dev.longwatch.schema.StreamIds;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/**
 * Reads the control plane ({@code lw.streams}) for what the memory job must act on: a tombstone
 * deletes a stream. Stream specs themselves are for ingest and are skipped unparsed; a tombstone
 * whose key is not a stream id goes to {@link DeadLetters#TAG}.
 */
public class StreamControlDecoder extends ProcessFunction<RawKafkaRecord, StreamDeleted> {

    @Override
    public void processElement(RawKafkaRecord raw, Context ctx, Collector<StreamDeleted> out) {
        if (raw.value() != null) {
            return; // a created or changed stream: its bank starts with its first embedding
        }
        String streamId = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        if (streamId == null || !StreamIds.isValid(streamId)) {
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            raw,
                            "tombstone without a valid stream id as key: '" + streamId + "'",
                            ctx.timerService().currentProcessingTime()));
            return;
        }
        out.collect(new StreamDeleted(streamId));
    }
}

package dev.longwatch.memory.job;

import dev.longwatch.schema.proto.FrameEmbedding;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.io.IOException;
import java.time.Duration;

/**
 * Event time of the memory job: a frame's capture wall clock, {@code FrameEmbedding.wall_ms}.
 *
 * <p>Why not the frame's media time ({@code pts_ms})? It counts from each stream's first frame,
 * and one Kafka partition carries many streams, so a per-partition watermark over pts would compare
 * clocks that have nothing to do with each other: a stream started an hour ago would hold every
 * younger stream's watermark an hour back, and a file (ingested much faster than real time) would
 * rush the watermark past every live camera on its partition. Chapters stay on pts, per stream,
 * which needs no watermark. {@code wall_ms} is one clock for all streams (capture time for live
 * sources, ingest time for files), set once at ingest and copied by the encoder, so a replay or an
 * encoder retry carries the same value. The Kafka record timestamp is the fallback for records
 * without one: it is the encoder's send time, which changes when the encoder re-sends a frame.
 *
 * <p>Deletions on {@code lw.streams} apply when they arrive: that input never holds the watermark
 * back (see {@link #controlPlane()}).
 */
public final class EventTime {
    private static final int WALL_MS_TAG =
            (FrameEmbedding.WALL_MS_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_VARINT;

    private EventTime() {}

    /**
     * Watermarks of {@code lw.embeddings}: per partition (the Kafka source runs one generator per
     * split), {@code maxOutOfOrderness} behind the newest frame time, and a partition without
     * records for {@code idleTimeout} stops holding the watermark back (zero: never).
     */
    public static WatermarkStrategy<RawKafkaRecord> embeddings(
            Duration maxOutOfOrderness, Duration idleTimeout) {
        WatermarkStrategy<RawKafkaRecord> strategy =
                WatermarkStrategy.<RawKafkaRecord>forBoundedOutOfOrderness(maxOutOfOrderness)
                        .withTimestampAssigner(new FrameTime());
        return idleTimeout.isZero() ? strategy : strategy.withIdleness(idleTimeout);
    }

    /**
     * Watermarks of {@code lw.streams}: none, and the input is idle all the time, so the bank
     * operator's event time is the frames' alone (a two-input operator's watermark is the smaller
     * of its inputs', except that an idle input does not count).
     */
    public static WatermarkStrategy<RawKafkaRecord> controlPlane() {
        return WatermarkStrategy.forGenerator(context -> new AlwaysIdle());
    }

    /** {@code wall_ms} of a serialized frame embedding, or 0 when it has none or does not parse. */
    static long wallMs(byte[] value) {
        if (value == null) {
            return 0;
        }
        try {
            // Scans the fields without parsing the token tensor (the bulk of the record).
            CodedInputStream in = CodedInputStream.newInstance(value);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == WALL_MS_TAG) {
                    return in.readInt64();
                }
                if (!in.skipField(tag)) {
                    return 0;
                }
            }
            return 0;
        } catch (IOException e) {
            return 0; // the decoder sends the record to lw.dlq with the reason
        }
    }

    /** {@code wall_ms}, else the Kafka record timestamp. */
    static final class FrameTime implements SerializableTimestampAssigner<RawKafkaRecord> {
        @Override
        public long extractTimestamp(RawKafkaRecord record, long recordTimestamp) {
            long wallMs = wallMs(record.value());
            return wallMs > 0 ? wallMs : recordTimestamp;
        }
    }

    private static final class AlwaysIdle implements WatermarkGenerator<RawKafkaRecord> {
        @Override
        public void onEvent(RawKafkaRecord event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}

package dev.longwatch.query.testing;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Test records at fixed times. */
public final class Fixtures {
    public static final Instant BEGINNING = Instant.parse("2026-11-02T10:00:00Z");
    public static final Clock CLOCK = Clock.fixed(BEGINNING, ZoneOffset.UTC);

    private Fixtures() {}

    public static StreamSpec spec(String id, String uri) {
        return StreamSpec.newBuilder()
                .setId(id)
                .setUri(uri)
                .setSampleFps(1)
                .setEnabled(true)
                .setCreatedMs(BEGINNING.toEpochMilli())
                .build();
    }

    public static StreamStatus status(String id, StreamState state, long framesProduced, String error) {
        return StreamStatus.newBuilder()
                .setStreamId(id)
                .setState(state)
                .setFramesProduced(framesProduced)
                .setLastSeq(framesProduced - 1)
                .setError(error)
                .setUpdatedMs(BEGINNING.toEpochMilli())
                .build();
    }

    public static Slot slot(long startMs, long endMs, long frames, long keyframeSeq) {
        return Slot.newBuilder()
                .setStartMs(startMs)
                .setEndMs(endMs)
                .setFrameCount(frames)
                .setKeyframeSeq(keyframeSeq)
                .addDescriptor(0.5f)
                .build();
    }

    /** A slot whose descriptor points in {@code direction}: similar directions merge first. */
    public static Slot slot(long startMs, long endMs, long frames, long keyframeSeq, float... direction) {
        Slot.Builder slot =
                Slot.newBuilder()
                        .setStartMs(startMs)
                        .setEndMs(endMs)
                        .setFrameCount(frames)
                        .setKeyframeSeq(keyframeSeq);
        for (float value : direction) {
            slot.addDescriptor(value);
        }
        return slot.build();
    }

    public static Chapter chapter(String id, long index, long startMs, long endMs, List<Slot> slots) {
        return Chapter.newBuilder()
                .setStreamId(id)
                .setIndex(index)
                .setStartMs(startMs)
                .setEndMs(endMs)
                .addAllSlots(slots)
                .build();
    }

    public static MemorySnapshot memory(String id, long version, List<Slot> slots) {
        return MemorySnapshot.newBuilder()
                .setStreamId(id)
                .setVersion(version)
                .setFramesSeen(slots.stream().mapToLong(Slot::getFrameCount).sum())
                .addAllSlots(slots)
                .setCapacity(8)
                .build();
    }

    /** Distinct bytes per (stream, seq), framed like a JPEG; nothing here decodes them. */
    public static byte[] jpeg(String id, long seq) {
        byte[] tag = (id + "#" + seq).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[tag.length + 4];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        System.arraycopy(tag, 0, out, 2, tag.length);
        out[out.length - 2] = (byte) 0xFF;
        out[out.length - 1] = (byte) 0xD9;
        return out;
    }

    public static Frame frame(String id, long seq, long ptsMs) {
        return Frame.newBuilder()
                .setStreamId(id)
                .setSeq(seq)
                .setPtsMs(ptsMs)
                .setWallMs(BEGINNING.toEpochMilli() + ptsMs)
                .setWidth(64)
                .setHeight(48)
                .setJpeg(ByteString.copyFrom(jpeg(id, seq)))
                .build();
    }
}

package dev.longwatch.memory.job;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceReader;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A bounded source of raw embedding records with one split per stream, the way Kafka keeps one
 * stream in one partition: each stream is read in order by one reader. Records are generated from
 * (stream, seq), so splits checkpoint as a few numbers.
 */
final class SyntheticEmbeddingSource
        implements Source<
                RawKafkaRecord,
                SyntheticEmbeddingSource.StreamSplit,
                Collection<SyntheticEmbeddingSource.StreamSplit>> {
    /** The stream incarnation (spec created_ms) every frame carries: state schema v5 keeps it. */
    static final long INCARNATION = 1_000;

    private final List<StreamSplit> splits;
    private final GatedFramesReader.Gate gate;

    SyntheticEmbeddingSource(List<StreamSplit> splits) {
        this(splits, null);
    }

    /**
     * With a gate, every stream stops in front of the gate's seq (see {@link GatedFramesReader}).
     */
    SyntheticEmbeddingSource(List<StreamSplit> splits, GatedFramesReader.Gate gate) {
        this.splits = List.copyOf(splits);
        this.gate = gate;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RawKafkaRecord, StreamSplit> createReader(SourceReaderContext context) {
        if (gate != null) {
            return new GatedFramesReader(context, gate);
        }
        return new IteratorSourceReader<>(context);
    }

    @Override
    public SplitEnumerator<StreamSplit, Collection<StreamSplit>> createEnumerator(
            SplitEnumeratorContext<StreamSplit> context) {
        return new IteratorSourceEnumerator<>(context, new ArrayList<>(splits));
    }

    @Override
    public SplitEnumerator<StreamSplit, Collection<StreamSplit>> restoreEnumerator(
            SplitEnumeratorContext<StreamSplit> context, Collection<StreamSplit> checkpoint) {
        return new IteratorSourceEnumerator<>(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<StreamSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<StreamSplit>> getEnumeratorCheckpointSerializer() {
        return new CheckpointSerializer();
    }

    /**
     * Frames {@code nextSeq..endSeq-1} of one stream; the record at {@code poisonSeq} is garbage
     * and a gap marker is set at {@code gapSeq} (-1 for none).
     */
    record StreamSplit(String streamId, long nextSeq, long endSeq, long poisonSeq, long gapSeq)
            implements IteratorSourceSplit<RawKafkaRecord, Frames>, java.io.Serializable {

        @Override
        public String splitId() {
            return streamId;
        }

        @Override
        public Frames getIterator() {
            return new Frames(this);
        }

        @Override
        public StreamSplit getUpdatedSplitForIterator(Frames frames) {
            return new StreamSplit(streamId, frames.seq, endSeq, poisonSeq, gapSeq);
        }
    }

    static final class Frames implements Iterator<RawKafkaRecord> {
        private final StreamSplit split;
        private long seq;

        Frames(StreamSplit split) {
            this.split = split;
            this.seq = split.nextSeq();
        }

        /** The split from here on: what a checkpoint keeps. */
        StreamSplit position() {
            return split.getUpdatedSplitForIterator(this);
        }

        @Override
        public boolean hasNext() {
            return seq < split.endSeq();
        }

        @Override
        public RawKafkaRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            long current = seq++;
            if (current == split.poisonSeq()) {
                return TestFrames.raw(
                        split.streamId(), "garbage".getBytes(StandardCharsets.UTF_8), current);
            }
            EmbeddingEvent frame =
                    TestFrames.frame(
                            split.streamId(),
                            current,
                            TestFrames.sceneValues(split.streamId(), current),
                            current == split.gapSeq());
            return TestFrames.raw(TestFrames.withIncarnation(frame, INCARNATION), current);
        }
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<StreamSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(StreamSplit split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(split, out);
            }
            return bytes.toByteArray();
        }

        @Override
        public StreamSplit deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return read(in);
            }
        }
    }

    private static final class CheckpointSerializer
            implements SimpleVersionedSerializer<Collection<StreamSplit>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<StreamSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (StreamSplit split : splits) {
                    write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Collection<StreamSplit> deserialize(int version, byte[] serialized)
                throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int count = in.readInt();
                List<StreamSplit> splits = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    splits.add(read(in));
                }
                return splits;
            }
        }
    }

    private static void write(StreamSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.streamId());
        out.writeLong(split.nextSeq());
        out.writeLong(split.endSeq());
        out.writeLong(split.poisonSeq());
        out.writeLong(split.gapSeq());
    }

    private static StreamSplit read(DataInputStream in) throws IOException {
        return new StreamSplit(
                in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }
}

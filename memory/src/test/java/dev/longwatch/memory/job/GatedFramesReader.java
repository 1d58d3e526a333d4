package dev.longwatch.memory.job;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads {@link SyntheticEmbeddingSource.StreamSplit}s like Kafka reads partitions, but stops every
 * stream in front of {@code pauseAtSeq}: the job then sits mid-stream, with every earlier frame in
 * the banks, until the test cancels it, stops it with a savepoint, or (in {@link
 * Gate.Mode#FAIL_ONCE}) the reader fails once after a checkpoint completed while paused.
 *
 * <p>The signals live in static fields: the MiniCluster runs in the test's JVM, and they must
 * survive the restart of the reader after the failure. {@link Gate#reset()} before each test.
 */
final class GatedFramesReader
        implements SourceReader<RawKafkaRecord, SyntheticEmbeddingSource.StreamSplit> {

    /** Where the readers stop, and what happens there. */
    record Gate(long pauseAtSeq, Mode mode) implements java.io.Serializable {
        enum Mode {
            /** Stay paused until the job is cancelled or stopped. */
            HOLD,
            /**
             * Throw once, after a checkpoint completed while paused; later attempts run through.
             */
            FAIL_ONCE
        }

        /** Checkpoints that completed while a reader was paused. */
        static final AtomicInteger CHECKPOINTS_WHILE_PAUSED = new AtomicInteger();

        /** Set by the failure; afterwards readers of the FAIL_ONCE gate no longer pause. */
        static final AtomicBoolean FAILED = new AtomicBoolean();

        static void reset() {
            CHECKPOINTS_WHILE_PAUSED.set(0);
            FAILED.set(false);
        }
    }

    private final SourceReaderContext context;
    private final Gate gate;
    private final Deque<SyntheticEmbeddingSource.Frames> active = new ArrayDeque<>();
    private final List<SyntheticEmbeddingSource.StreamSplit> held = new ArrayList<>();
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private boolean noMoreSplits;
    private boolean failNow;

    GatedFramesReader(SourceReaderContext context, Gate gate) {
        this.context = context;
        this.gate = gate;
    }

    @Override
    public void start() {
        context.sendSplitRequest();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<RawKafkaRecord> output) {
        if (failNow && Gate.FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("test hook: the source fails once, mid-stream");
        }
        SyntheticEmbeddingSource.Frames frames = active.peekFirst();
        if (frames == null) {
            if (noMoreSplits && held.isEmpty()) {
                return InputStatus.END_OF_INPUT;
            }
            return InputStatus.NOTHING_AVAILABLE;
        }
        if (!frames.hasNext() || paused(frames)) {
            active.removeFirst();
            if (frames.hasNext()) {
                held.add(frames.position());
            }
            if (!noMoreSplits) {
                context.sendSplitRequest();
            }
            return InputStatus.MORE_AVAILABLE;
        }
        output.collect(frames.next());
        return InputStatus.MORE_AVAILABLE;
    }

    private boolean paused(SyntheticEmbeddingSource.Frames frames) {
        boolean gateOpen = gate.mode() == Gate.Mode.FAIL_ONCE && Gate.FAILED.get();
        return !gateOpen && frames.position().nextSeq() >= gate.pauseAtSeq();
    }

    @Override
    public List<SyntheticEmbeddingSource.StreamSplit> snapshotState(long checkpointId) {
        List<SyntheticEmbeddingSource.StreamSplit> state = new ArrayList<>(held);
        for (SyntheticEmbeddingSource.Frames frames : active) {
            state.add(frames.position());
        }
        return state;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (active.isEmpty() && !held.isEmpty()) {
            Gate.CHECKPOINTS_WHILE_PAUSED.incrementAndGet();
            if (gate.mode() == Gate.Mode.FAIL_ONCE && !Gate.FAILED.get()) {
                failNow = true;
                available.complete(null);
            }
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (!active.isEmpty() || failNow || (noMoreSplits && held.isEmpty())) {
            return CompletableFuture.completedFuture(null);
        }
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return available;
    }

    @Override
    public void addSplits(List<SyntheticEmbeddingSource.StreamSplit> splits) {
        for (SyntheticEmbeddingSource.StreamSplit split : splits) {
            active.addLast(split.getIterator());
        }
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public void close() {}
}

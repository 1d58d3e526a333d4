package dev.longwatch.memory.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.TensorStore;
import dev.longwatch.memory.chapter.ChapterCursor;
import dev.longwatch.memory.chapter.ChapterPolicy;
import dev.longwatch.memory.chapter.ChapteredBank;
import dev.longwatch.memory.job.MemoryStateSchema;
import dev.longwatch.memory.job.Snapshots;
import dev.longwatch.memory.job.StreamProgress;
import dev.longwatch.memory.testing.SyntheticFootage;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How much keyed state one stream costs after 1 h and after 10 h of footage ({@code longwatch bench
 * state}). Generated embeddings (scenes of a few seconds plus noise, one frame a second) go through
 * {@link ChapteredBank}, the code the Flink operator runs, into stores laid out like the operator's
 * state; the state is then serialized with the operator's own Flink serializers (POJO for the
 * index, progress and chapter cursor; per slot {@code long → short[]} for the binary16 tensor,
 * {@code long → double[]} for its token norms, {@code long → float[]} for its descriptor).
 * What the sealed chapters put on {@code lw.chapters} is counted apart: it is output, not state.
 *
 * <p>The figure is value and user-key bytes; RocksDB adds a per-entry prefix (key group, stream id,
 * namespace) of about {@code 3 + id length} bytes on each of the {@code 3·M + 3} entries.
 */
public final class StateGrowthBenchmark {
    static final int FPS = 1;
    static final int TOKENS = 64;
    static final int DIM = 256;
    static final int SLOTS = 20;
    static final int SCENE_FRAMES = 7;

    private StateGrowthBenchmark() {}

    /**
     * @param hours media time at which the state was measured
     * @param frames frames appended by then
     * @param chaptersSealed chapters published to {@code lw.chapters} by then
     * @param stateBytes every state value of the stream (the sum of the parts below)
     * @param chapterTopicBytes the sealed chapters' serialized protobuf, summed
     */
    public record Point(
            double hours,
            long frames,
            long chaptersSealed,
            long stateBytes,
            long indexBytes,
            long tensorBytes,
            long normBytes,
            long descriptorBytes,
            long progressBytes,
            long chapterCursorBytes,
            long chapterTopicBytes) {}

    public record Report(
            int fps,
            int tokens,
            int dim,
            int slots,
            long chapterSec,
            List<Point> results,
            double stateRatio10hTo1h) {}

    /** Writes the report for 1 h and 10 h at the default shape and 600 s chapters. */
    public static Report run(Path jsonOut, PrintStream progress) {
        Report report =
                measure(
                        TOKENS,
                        DIM,
                        SLOTS,
                        ChapterPolicy.DEFAULT_CHAPTER_MS,
                        new double[] {1, 10},
                        progress);
        try {
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(jsonOut.toFile(), report);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jsonOut, e);
        }
        progress.printf("wrote %s%n", jsonOut);
        return report;
    }

    /**
     * Feeds one stream for {@code max(hours)} of footage at {@link #FPS} and measures its state at
     * each of {@code hours} (ascending).
     *
     * @param chapterMs 0 for one bank over the whole stream
     */
    public static Report measure(
            int tokens, int dim, int slots, long chapterMs, double[] hours, PrintStream progress) {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(slots));
        ChapteredBank chaptered =
                new ChapteredBank(bank, chapterMs == 0 ? null : new ChapterPolicy(chapterMs));
        MeasuredSlotStore stores = new MeasuredSlotStore();
        BankStorage storage =
                new BankStorage(
                        TensorStore.f16(stores.halves()), stores.floats(), stores.normStore());
        SyntheticFootage footage = new SyntheticFootage(tokens * dim, SCENE_FRAMES);

        BankIndex index = BankIndex.empty();
        ChapterCursor cursor = null;
        long sealed = 0;
        long chapterTopicBytes = 0;
        List<Point> points = new ArrayList<>();
        long frame = 0;
        for (double at : hours) {
            long until = Math.round(at * 3600 * FPS);
            for (; frame < until; frame++) {
                BankFrame next =
                        new BankFrame(
                                frame,
                                frame * 1000 / FPS,
                                tokens,
                                dim,
                                footage.frame(frame),
                                false);
                ChapteredBank.Step step = chaptered.append(cursor, index, next, storage);
                if (step.sealed() != null) {
                    sealed++;
                    chapterTopicBytes +=
                            Snapshots.chapter("stream-0", step.sealed()).getSerializedSize();
                }
                index = step.outcome().index();
                cursor = step.cursor();
            }
            StreamProgress streamProgress =
                    new StreamProgress(
                            "builtin-encoder",
                            frame,
                            frame * 1000,
                            0,
                            frame * 1000,
                            0,
                            true,
                            MemoryStateSchema.VERSION);
            long indexBytes = serialized(BankIndex.class, index);
            long progressBytes = serialized(StreamProgress.class, streamProgress);
            long cursorBytes = serialized(ChapterCursor.class, cursor);
            long tensorBytes = stores.tensors.serializedBytes();
            long normBytes = stores.norms.serializedBytes();
            long descriptorBytes = stores.descriptors.serializedBytes();
            Point point =
                    new Point(
                            at,
                            frame,
                            sealed,
                            indexBytes
                                    + progressBytes
                                    + cursorBytes
                                    + tensorBytes
                                    + normBytes
                                    + descriptorBytes,
                            indexBytes,
                            tensorBytes,
                            normBytes,
                            descriptorBytes,
                            progressBytes,
                            cursorBytes,
                            chapterTopicBytes);
            points.add(point);
            progress.printf(
                    "%.0f h: %d frames, %d chapters sealed, state %d bytes per stream%n",
                    at, frame, sealed, point.stateBytes());
        }
        double ratio =
                (double) points.get(points.size() - 1).stateBytes() / points.get(0).stateBytes();
        return new Report(FPS, tokens, dim, slots, chapterMs / 1000, points, ratio);
    }

    private static <T> long serialized(Class<T> type, T value) {
        if (value == null) {
            return 0;
        }
        TypeSerializer<T> serializer =
                TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        try {
            serializer.serialize(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.length();
    }
}

package dev.longwatch.memory.bench;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.chapter.ChapterCursor;
import dev.longwatch.memory.chapter.ChapterPolicy;
import dev.longwatch.memory.chapter.ChapteredBank;
import dev.longwatch.memory.chapter.SealedChapter;
import dev.longwatch.memory.job.Snapshots;
import dev.longwatch.memory.strategy.StrategyInput;
import dev.longwatch.query.ask.SlotSpan;
import dev.longwatch.query.ask.TimeWindow;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory as a user gets it over hours, scored window by window: every frame through the job's
 * chaptered bank ({@link ChapteredBank}), its chapters and live bank published as the job publishes
 * them ({@link Snapshots}), and each window answered by the code the query service runs for {@code
 * GET /v1/streams/{id}/memory?from=&to=} ({@link SlotSpan#of(MemorySnapshot, List, TimeWindow)}:
 * the slots overlapping the window, merged down to M by {@code ChapterWindow}). Beside it, for the
 * same window: a bank built over the window's frames alone, M frames evenly spaced over the window
 * (uniform sampling of the window's footage, as Video-LLaVA samples a clip) and M equal spans.
 *
 * <p>A window's scenes are the scenes that overlap it (whole, not cut at the window's ends: a slot
 * reaching out of the window still lies inside its scene or not), its cuts the scene starts inside
 * it.
 */
public final class WindowFidelity {
    private WindowFidelity() {}

    /** A slot as scored: its span and its keyframe's media time. */
    public record Scored(long startMs, long endMs, long keyframeMs) {}

    /**
     * One window's (or several windows') score as sums, so windows and orders pool by adding.
     *
     * @param scenes scenes overlapping the window
     * @param kept of them, those holding a whole slot ({@link SceneFidelity#sceneRecall})
     * @param keyframeKept of them, those holding a slot's keyframe ({@link SceneFidelity#keyframeRecall})
     * @param cuts scene starts inside the window
     * @param spanErrorMs summed distance of each cut to the nearest slot boundary
     * @param slots slots shown for the window
     */
    public record Tally(int scenes, int kept, int keyframeKept, int cuts, double spanErrorMs, long slots) {
        public static final Tally NONE = new Tally(0, 0, 0, 0, 0, 0);

        public Tally plus(Tally other) {
            return new Tally(
                    scenes + other.scenes,
                    kept + other.kept,
                    keyframeKept + other.keyframeKept,
                    cuts + other.cuts,
                    spanErrorMs + other.spanErrorMs,
                    slots + other.slots);
        }

        public double sceneRecall() {
            return scenes == 0 ? Double.NaN : (double) kept / scenes;
        }

        public double keyframeRecall() {
            return scenes == 0 ? Double.NaN : (double) keyframeKept / scenes;
        }

        public double spanErrorSec() {
            return cuts == 0 ? Double.NaN : spanErrorMs / cuts / 1000.0;
        }
    }

    /** {@code slots} against the scenes of window {@code [fromMs, toMs]}. */
    public static Tally tally(List<Scored> slots, List<Scene> scenes, long fromMs, long toMs) {
        int overlapping = 0;
        int kept = 0;
        int keyframeKept = 0;
        int cuts = 0;
        double spanError = 0;
        for (Scene scene : scenes) {
            if (scene.endMs() <= fromMs || scene.startMs() > toMs) {
                continue;
            }
            overlapping++;
            boolean inside = false;
            boolean keyframe = false;
            for (Scored slot : slots) {
                inside |= scene.startMs() <= slot.startMs() && slot.endMs() < scene.endMs();
                keyframe |= scene.startMs() <= slot.keyframeMs() && slot.keyframeMs() < scene.endMs();
            }
            kept += inside ? 1 : 0;
            keyframeKept += keyframe ? 1 : 0;
            if (scene.startMs() > fromMs && !slots.isEmpty()) {
                long nearest = Long.MAX_VALUE;
                for (Scored slot : slots) {
                    nearest = Math.min(nearest, Math.abs(scene.startMs() - slot.startMs()));
                    nearest = Math.min(nearest, Math.abs(scene.startMs() - slot.endMs()));
                }
                spanError += nearest;
                cuts++;
            }
        }
        return new Tally(overlapping, kept, keyframeKept, cuts, spanError, slots.size());
    }

    /** A stream as the memory job leaves it: its sealed chapters and its live bank. */
    public static final class ChapteredMemory {
        private final MemorySnapshot live;
        private final List<Chapter> chapters;
        private final Map<Long, Long> ptsBySeq;

        ChapteredMemory(MemorySnapshot live, List<Chapter> chapters, Map<Long, Long> ptsBySeq) {
            this.live = live;
            this.chapters = List.copyOf(chapters);
            this.ptsBySeq = ptsBySeq;
        }

        /** What {@code GET /memory?from=&to=} shows for the window. */
        public List<Scored> answer(long fromMs, long toMs) {
            List<Scored> slots = new ArrayList<>();
            for (SlotSpan span : SlotSpan.of(live, chapters, new TimeWindow(fromMs / 1000.0, toMs / 1000.0))) {
                slots.add(
                        new Scored(
                                Math.round(span.startSec() * 1000),
                                Math.round(span.endSec() * 1000),
                                ptsBySeq.get(span.keyframeSeq())));
            }
            return slots;
        }

        public int chapterCount() {
            return chapters.size();
        }
    }

    /** Every frame through a chaptered bank of {@code config}, in a store of {@code dtype}. */
    public static ChapteredMemory chaptered(
            List<StrategyInput> frames, BankConfig config, ChapterPolicy policy, StorageDtype dtype) {
        String stream = "bench";
        ChapteredBank bank = new ChapteredBank(MemoryBank.create(config), policy);
        BankStorage storage = BankStorage.inMemory(dtype);
        BankIndex index = BankIndex.empty();
        ChapterCursor cursor = null;
        List<Chapter> chapters = new ArrayList<>();
        for (StrategyInput frame : frames) {
            ChapteredBank.Step step = bank.append(cursor, index, bankFrame(frame), storage);
            if (step.sealed() != null) {
                chapters.add(Snapshots.chapter(stream, step.sealed()));
            }
            index = step.outcome().index();
            cursor = step.cursor();
        }
        List<SlotSummary> liveSlots = bank.bank().slots(index, storage);
        // The live bank as lw.memory carries it: the same slot encoding as a chapter's.
        Chapter asChapter = Snapshots.chapter(stream, new SealedChapter(-1, 0, 0, liveSlots));
        MemorySnapshot live =
                MemorySnapshot.newBuilder()
                        .setStreamId(stream)
                        .setCapacity(config.capacity())
                        .setFramesSeen(ChapteredBank.framesSeen(cursor, index))
                        .addAllSlots(asChapter.getSlotsList())
                        .build();
        return new ChapteredMemory(live, chapters, ptsBySeq(frames));
    }

    /** One bank of {@code config} over {@code frames} alone (no chapters). */
    public static List<Scored> alone(List<StrategyInput> frames, BankConfig config, StorageDtype dtype) {
        MemoryBank bank = MemoryBank.create(config);
        BankStorage storage = BankStorage.inMemory(dtype);
        BankIndex index = BankIndex.empty();
        for (StrategyInput frame : frames) {
            index = bank.append(index, bankFrame(frame), storage).index();
        }
        Map<Long, Long> pts = ptsBySeq(frames);
        List<Scored> slots = new ArrayList<>();
        for (SlotSummary slot : bank.slots(index, storage)) {
            slots.add(new Scored(slot.startMs(), slot.endMs(), pts.get(slot.keyframeSeq())));
        }
        return slots;
    }

    /** {@code m} frames evenly spaced over {@code frames}, first and last included (numpy's linspace). */
    public static List<Scored> uniform(List<StrategyInput> frames, int m) {
        List<Scored> slots = new ArrayList<>();
        int n = frames.size();
        int k = Math.min(m, n);
        for (int i = 0; i < k; i++) {
            int at = k == 1 ? 0 : (int) Math.round(i * (n - 1) / (double) (k - 1));
            long pts = frames.get(at).ptsMs();
            slots.add(new Scored(pts, pts, pts));
        }
        return slots;
    }

    /** {@code m} spans of equal frame counts tiling {@code frames}, each shown by its middle frame. */
    public static List<Scored> equalSpans(List<StrategyInput> frames, int m) {
        List<Scored> slots = new ArrayList<>();
        int n = frames.size();
        int k = Math.min(m, n);
        for (int i = 0; i < k; i++) {
            int first = (int) ((long) i * n / k);
            int last = (int) ((long) (i + 1) * n / k) - 1;
            slots.add(new Scored(frames.get(first).ptsMs(), frames.get(last).ptsMs(), frames.get((first + last) / 2).ptsMs()));
        }
        return slots;
    }

    /** The frames with media time in {@code [fromMs, toMs]}; {@code frames} in time order. */
    public static List<StrategyInput> between(List<StrategyInput> frames, long fromMs, long toMs) {
        return frames.subList(firstAtOrAfter(frames, fromMs), firstAtOrAfter(frames, toMs + 1));
    }

    private static int firstAtOrAfter(List<StrategyInput> frames, long ptsMs) {
        int low = 0;
        int high = frames.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (frames.get(mid).ptsMs() < ptsMs) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static Map<Long, Long> ptsBySeq(List<StrategyInput> frames) {
        Map<Long, Long> pts = new HashMap<>(frames.size() * 2);
        for (StrategyInput frame : frames) {
            pts.put(frame.seq(), frame.ptsMs());
        }
        return pts;
    }

    private static BankFrame bankFrame(StrategyInput frame) {
        return new BankFrame(frame.seq(), frame.ptsMs(), frame.tokens(), frame.dim(), frame.values(), false);
    }
}

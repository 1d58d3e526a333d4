package dev.longwatch.memory.bank.reference;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.Lane;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.bank.VectorMath;

import java.util.ArrayList;
import java.util.List;

/**
 * MA-LMM's bank ({@link MaLmmReference}, in float, as its code computes) stepped beside a
 * Longwatch bank on the same frames, holding the bank to it within a bound derived from the
 * arithmetic both sides do, never a picked epsilon. Used by {@code MaLmmOracleTest} (seeded
 * streams) and {@code MaLmmOracleOnFootageITCase} (MobileNetV2 features of real clips).
 *
 * <h2>What is compared</h2>
 *
 * After every frame: the same number of entries in every lane, the same counts and spans, every
 * token row of every entry within its value bound of the reference's, every cached similarity
 * within its similarity bound of the reference's, and the pair each lane merged: exactly the most
 * similar pair of what the bank holds (its own rule, checked to the bit on its stored values), and
 * MA-LMM's pick or a near tie with it. Gaps follow this
 * product's rule (MA-LMM has none): a pair whose right entry starts after a gap is not chosen while
 * another pair is allowed; without gap markers the rule is MA-LMM's.
 *
 * <h2>The value bound</h2>
 *
 * Let μ be the exact mean of the frames an entry holds (real arithmetic), u = 2<sup>-24</sup> the
 * unit roundoff of float, and for the bank's storage u<sub>s</sub> = 2<sup>-11</sup> and η =
 * 2<sup>-25</sup> for binary16 (round to nearest: a stored value is off by at most u<sub>s</sub>
 * times itself, or η absolutely where the half is subnormal), u<sub>s</sub> = η = 0 for F32 (a
 * stored float is the float computed). Bounds are per token row of C values, in L2 norm:
 *
 * <ul>
 *   <li>A new frame is exact on both sides. Stored by the bank (binary16), its row v is off by at
 *       most u<sub>s</sub>·‖v‖ + √C·η.
 *   <li>A merge of entries a, b with counts n<sub>a</sub>, n<sub>b</sub> computes {@code (a·na +
 *       b·nb) / (na + nb)} in float on both sides: two products, a sum and a division, each
 *       rounded, so the float result is off from the exact weighted mean of its inputs by at most
 *       (3 + u)·u·max(‖a‖, ‖b‖); the inputs' own errors enter weighted by the counts, so by at most
 *       the larger of the two. The bank then rounds the result into its storage: u<sub>s</sub>·‖v‖
 *       + √C·η more, with ‖v‖ ≤ max(‖a‖, ‖b‖)·(1 + (3 + u)·u). So each merge an entry goes through
 *       adds one such term: the bound grows with the number of merges along the entry's history,
 *       with the magnitudes of the entries merged.
 *   <li>The reference also multiplies every entry by its count and divides it back on every
 *       compression (that is how {@code memory_bank_compress} is written): (2 + u)·u·‖r‖ per
 *       compression for an entry of count above 1 (exact for count 1).
 * </ul>
 *
 * So bank value s and reference value r of an entry satisfy ‖s − r‖ ≤ E<sub>bank</sub> +
 * E<sub>ref</sub>, both tracked here entry by entry, merge by merge, from the norms of the values
 * actually merged.
 *
 * <h2>The similarity bound and near ties</h2>
 *
 * A vector off by E from r points at most φ = asin(E/‖r‖) away from it (π when E ≥ ‖r‖), and the
 * cosine is 1-Lipschitz in the angle, so the exact cosine of the bank's pair differs from that of
 * the reference's pair by at most φ<sub>a</sub> + φ<sub>b</sub> per token (averaged over tokens in
 * frame mode). Each side computes its cosine in float: the reference normalises, multiplies and
 * sums C values one after another ((2C + 8)·u), the bank sums products in eight float lanes added
 * in double ((C/4 + 8)·u), and the reference averages the T token cosines in float ((T + 1)·u).
 * Their sum D(i) bounds |S<sub>bank</sub>(i) − S<sub>ref</sub>(i)| for pair i.
 *
 * <p>When a lane's bank merged pair p and MA-LMM's rule picks pair q ≠ p, the bank saw S(p) ≥ S(q),
 * so S<sub>ref</sub>(q) − S<sub>ref</sub>(p) ≤ D(p) + D(q). If the reference's two similarities are
 * further apart than that, the bank's pick is wrong and the oracle fails. If not, the pick is a
 * <em>near tie</em> by that bound: rounding may order the two pairs either way, the reference
 * follows the bank's pick ({@link MaLmmReference#mergeAt}) and the tie is counted, and the
 * comparison goes on. An exact tie of the reference picks the lowest index, as {@code torch.max};
 * the bank does the same on its own exact ties.
 */
public final class MaLmmOracle {
    /** Unit roundoff of IEEE binary32. */
    public static final double FLOAT_UNIT = 0x1p-24;

    /** Unit roundoff of IEEE binary16 (normal range). */
    public static final double HALF_UNIT = 0x1p-11;

    /** Largest rounding error of a subnormal binary16 (half its spacing 2^-24). */
    public static final double HALF_SUBNORMAL_ERROR = 0x1p-25;

    private final BankConfig config;
    private final boolean sync;
    private final double storageUnit;
    private final double storageFloor;
    private final Tally tally = new Tally();
    private MaLmmReference.Bank reference = MaLmmReference.Bank.empty();
    private List<List<Entry>> lanes;
    private int tokens;
    private int dim;
    private long step;

    /** What the comparison saw so far. */
    public static final class Tally {
        /** Frames appended. */
        public long steps;

        /** Merges compared, one per lane and compressing step. */
        public long laneMerges;

        /** Merges where the bank's pick differed from MA-LMM's within the bound (followed). */
        public long nearTies;

        /** Largest ‖s − r‖ over its bound seen, any row of any entry (at most 1). */
        public double worstValueRatio;

        /** Largest |S_bank − S_ref| over its bound seen, any cached pair (at most 1). */
        public double worstSimilarityRatio;

        /** Largest value bound relative to the row's norm seen (how loose the bound got). */
        public double largestRelativeValueBound;

        @Override
        public String toString() {
            return String.format(
                    "%d steps, %d lane merges, %d near ties followed; worst value error %.3f of"
                            + " its bound, worst similarity error %.3f of its bound; value bound"
                            + " up to %.2e of the row's norm",
                    steps,
                    laneMerges,
                    nearTies,
                    worstValueRatio,
                    worstSimilarityRatio,
                    largestRelativeValueBound);
        }
    }

    /** The mirror of one lane entry: where it starts, and the error bounds of its rows. */
    private static final class Entry {
        final long startMs;
        final boolean gapBefore;
        double[] bankError;
        double[] referenceError;
        /** Norms of the bank's rows as last read (the arriving frame's before it is stored). */
        double[] bankNorms;
        /** The bank's values as last read (the arriving frame's as it arrived). */
        float[] bankValues;

        Entry(long startMs, boolean gapBefore, double[] bankNorms, float[] bankValues) {
            this.startMs = startMs;
            this.gapBefore = gapBefore;
            this.bankError = new double[bankNorms.length];
            this.referenceError = new double[bankNorms.length];
            this.bankNorms = bankNorms;
            this.bankValues = bankValues;
        }
    }

    public MaLmmOracle(BankConfig config, StorageDtype dtype) {
        this.config = config;
        this.sync = config.granularity() == Granularity.FRAME;
        this.storageUnit = dtype == StorageDtype.F16 ? HALF_UNIT : 0;
        this.storageFloor = dtype == StorageDtype.F16 ? HALF_SUBNORMAL_ERROR : 0;
    }

    public Tally tally() {
        return tally;
    }

    /**
     * Appends {@code frame} to MA-LMM's bank and checks the Longwatch bank after its own append of
     * the same frame ({@code bank}, {@code storage}).
     *
     * @throws AssertionError where the bank is not MA-LMM's within the bounds
     */
    public void step(BankFrame frame, BankIndex bank, BankStorage storage) {
        if (lanes == null) {
            tokens = frame.tokens();
            dim = frame.dim();
            lanes = new ArrayList<>();
            for (int n = 0; n < (sync ? 1 : tokens); n++) {
                lanes.add(new ArrayList<>());
            }
        }
        float[][] rows = new float[tokens][];
        for (int n = 0; n < tokens; n++) {
            rows[n] = java.util.Arrays.copyOfRange(frame.values(), n * dim, (n + 1) * dim);
        }
        reference = MaLmmReference.append(reference, rows, Integer.MAX_VALUE, sync);
        for (int l = 0; l < lanes.size(); l++) {
            double[] norms = new double[rowsPerEntry()];
            for (int r = 0; r < norms.length; r++) {
                norms[r] = norm(rows[token(l, r)]);
            }
            float[] values =
                    sync
                            ? frame.values().clone()
                            : java.util.Arrays.copyOfRange(frame.values(), l * dim, (l + 1) * dim);
            lanes.get(l).add(new Entry(frame.ptsMs(), frame.gapBefore(), norms, values));
        }
        boolean merged = reference.length() > config.capacity();
        int[] picks = new int[tokens];
        if (merged) {
            float[][] similarity = MaLmmReference.adjacentSimilarity(reference.memory(), sync);
            for (int l = 0; l < lanes.size(); l++) {
                int pick = checkPick(l, bank.lanes()[l], similarity);
                for (int r = 0; r < rowsPerEntry(); r++) {
                    picks[token(l, r)] = pick;
                }
                mergeMirror(l, pick);
            }
            reference = MaLmmReference.mergeAt(reference.memory(), reference.sizes(), picks);
        }
        for (List<Entry> lane : lanes) {
            // A merged entry starts where its left side did, so an entry starting at this frame
            // is the frame on its own: the bank stored it, rounding once.
            Entry last = lane.get(lane.size() - 1);
            if (last.startMs == frame.ptsMs()) {
                for (int r = 0; r < last.bankError.length; r++) {
                    last.bankError[r] = stored(last.bankNorms[r]);
                }
            }
        }
        tally.steps++;
        step++;
        compare(bank, storage);
    }

    private int rowsPerEntry() {
        return sync ? tokens : 1;
    }

    /** The token of row r of lane l's entries. */
    private int token(int lane, int row) {
        return sync ? row : lane;
    }

    /** The bound on storing a row of norm {@code norm}. */
    private double stored(double norm) {
        return storageUnit * norm + Math.sqrt(dim) * storageFloor;
    }

    /**
     * The pair lane {@code l} of the bank merged, checked against MA-LMM's pick: the same, or a
     * near tie by the bound (counted), or an error.
     */
    private int checkPick(int l, Lane bankLane, float[][] similarity) {
        List<Entry> lane = lanes.get(l);
        int token = token(l, 0);
        if (bankLane.size() != lane.size() - 1) {
            throw new AssertionError(
                    where(l) + ": the bank holds " + bankLane.size() + " entries, MA-LMM "
                            + (lane.size() - 1));
        }
        int bankPick = lane.size() - 2;
        for (int i = 1; i < bankLane.size(); i++) {
            if (bankLane.startMs()[i] != lane.get(i).startMs) {
                bankPick = i - 1;
                break;
            }
        }
        boolean anyAllowed = false;
        for (int i = 0; i + 1 < lane.size(); i++) {
            anyAllowed |= allowed(lane, i);
        }
        int referencePick = -1;
        for (int i = 0; i + 1 < lane.size(); i++) {
            if (anyAllowed && !allowed(lane, i)) {
                continue;
            }
            // Strictly greater: the first of equal maxima, as torch.max returns it.
            if (referencePick < 0 || similarity[i][token] > similarity[referencePick][token]) {
                referencePick = i;
            }
        }
        tally.laneMerges++;
        // The bank's own rule on what it holds, exactly: its cached similarities are the mean token
        // cosine of its stored values to the last bit (HalfStorageTest), and it merges their
        // maximum, lowest index on ties.
        int ownPick = -1;
        double ownBest = Double.NEGATIVE_INFINITY;
        for (int i = 0; i + 1 < lane.size(); i++) {
            if (anyAllowed && !allowed(lane, i)) {
                continue;
            }
            double own =
                    VectorMath.meanTokenCosine(
                            lane.get(i).bankValues,
                            lane.get(i + 1).bankValues,
                            rowsPerEntry(),
                            dim);
            if (ownPick < 0 || own > ownBest) {
                ownPick = i;
                ownBest = own;
            }
        }
        if (bankPick != ownPick) {
            throw new AssertionError(
                    where(l) + ": the bank merged pair " + bankPick
                            + " but the most similar pair of what it holds is " + ownPick);
        }
        if (bankPick == referencePick) {
            return bankPick;
        }
        if (anyAllowed && !allowed(lane, bankPick)) {
            throw new AssertionError(
                    where(l) + ": the bank merged pair " + bankPick
                            + " across a gap while another pair was allowed");
        }
        double apart = similarity[referencePick][token] - similarity[bankPick][token];
        double bound = similarityBound(l, bankPick) + similarityBound(l, referencePick);
        if (apart > bound) {
            throw new AssertionError(
                    String.format(
                            "%s: the bank merged pair %d, MA-LMM pair %d; MA-LMM's similarities"
                                    + " %.9f and %.9f are %.3e apart, more than the rounding"
                                    + " bound %.3e",
                            where(l),
                            bankPick,
                            referencePick,
                            similarity[bankPick][token],
                            similarity[referencePick][token],
                            apart,
                            bound));
        }
        tally.nearTies++;
        return bankPick;
    }

    private boolean allowed(List<Entry> lane, int pair) {
        return config.allowMergeAcrossGaps() || !lane.get(pair + 1).gapBefore;
    }

    /** The mirror of the reference's and the bank's merge of pair {@code pick} in lane l. */
    private void mergeMirror(int l, int pick) {
        List<Entry> lane = lanes.get(l);
        for (int i = 0; i < lane.size(); i++) {
            if (i == pick || i == pick + 1) {
                continue;
            }
            Entry entry = lane.get(i);
            for (int r = 0; r < rowsPerEntry(); r++) {
                if (reference.sizes()[i][token(l, r)] > 1) {
                    // Rescaled by its count and back, as every compression does to every entry.
                    entry.referenceError[r] +=
                            (2 + FLOAT_UNIT) * FLOAT_UNIT * norm(reference.memory()[i][token(l, r)]);
                }
            }
        }
        Entry a = lane.get(pick);
        Entry b = lane.get(pick + 1);
        for (int r = 0; r < rowsPerEntry(); r++) {
            int token = token(l, r);
            double arithmetic = (3 + FLOAT_UNIT) * FLOAT_UNIT;
            double referenceLarger =
                    Math.max(norm(reference.memory()[pick][token]), norm(reference.memory()[pick + 1][token]));
            a.referenceError[r] =
                    Math.max(a.referenceError[r], b.referenceError[r]) + arithmetic * referenceLarger;
            double bankLarger = Math.max(a.bankNorms[r], b.bankNorms[r]);
            a.bankError[r] =
                    Math.max(a.bankError[r], b.bankError[r])
                            + arithmetic * bankLarger
                            + stored(bankLarger * (1 + arithmetic));
        }
        lane.remove(pick + 1);
    }

    /** D(i): how far the bank's similarity of pair i may be from MA-LMM's, as derived above. */
    private double similarityBound(int l, int pair) {
        List<Entry> lane = lanes.get(l);
        double angles = 0;
        for (int r = 0; r < rowsPerEntry(); r++) {
            int token = token(l, r);
            angles += angle(lane.get(pair), r, reference.memory()[pair][token]);
            angles += angle(lane.get(pair + 1), r, reference.memory()[pair + 1][token]);
        }
        double arithmetic = (2.0 * dim + 8) * FLOAT_UNIT + (dim / 4.0 + 8) * FLOAT_UNIT;
        if (sync) {
            arithmetic += (tokens + 1) * FLOAT_UNIT;
        }
        return angles / rowsPerEntry() + arithmetic;
    }

    /** φ: how far the bank's row r of {@code entry} may point from the reference's row. */
    private static double angle(Entry entry, int r, float[] referenceRow) {
        double ratio = (entry.bankError[r] + entry.referenceError[r]) / norm(referenceRow);
        return ratio < 1 ? Math.asin(ratio) : Math.PI;
    }

    private void compare(BankIndex bank, BankStorage storage) {
        float[][] similarity =
                reference.length() > 1
                        ? MaLmmReference.adjacentSimilarity(reference.memory(), sync)
                        : new float[0][];
        for (int l = 0; l < lanes.size(); l++) {
            List<Entry> lane = lanes.get(l);
            Lane bankLane = bank.lanes()[l];
            if (bankLane.size() != lane.size()) {
                throw new AssertionError(
                        where(l) + ": the bank holds " + bankLane.size() + " entries, MA-LMM "
                                + lane.size());
            }
            for (int i = 0; i < lane.size(); i++) {
                Entry entry = lane.get(i);
                if (bankLane.startMs()[i] != entry.startMs
                        || bankLane.counts()[i] != (long) reference.sizes()[i][token(l, 0)]) {
                    throw new AssertionError(
                            String.format(
                                    "%s entry %d: the bank's starts at %d ms with %d frames,"
                                            + " MA-LMM's at %d ms with %.0f",
                                    where(l), i, bankLane.startMs()[i], bankLane.counts()[i],
                                    entry.startMs, reference.sizes()[i][token(l, 0)]));
                }
                float[] stored = storage.tensors().get(bankLane.ids()[i]);
                entry.bankValues = stored;
                for (int r = 0; r < rowsPerEntry(); r++) {
                    float[] expected = reference.memory()[i][token(l, r)];
                    double difference = 0;
                    double squares = 0;
                    int from = sync ? r * dim : 0;
                    for (int k = 0; k < dim; k++) {
                        double d = (double) stored[from + k] - expected[k];
                        difference += d * d;
                        squares += (double) stored[from + k] * stored[from + k];
                    }
                    difference = Math.sqrt(difference);
                    entry.bankNorms[r] = Math.sqrt(squares);
                    double bound = entry.bankError[r] + entry.referenceError[r];
                    if (difference > bound) {
                        throw new AssertionError(
                                String.format(
                                        "%s entry %d row %d: ‖bank − MA-LMM‖ = %.3e, more than"
                                                + " its bound %.3e",
                                        where(l), i, r, difference, bound));
                    }
                    if (bound > 0) {
                        tally.worstValueRatio = Math.max(tally.worstValueRatio, difference / bound);
                        tally.largestRelativeValueBound =
                                Math.max(tally.largestRelativeValueBound, bound / norm(expected));
                    }
                }
            }
            for (int i = 0; i + 1 < lane.size(); i++) {
                double apart = Math.abs(bankLane.similarities()[i] - similarity[i][token(l, 0)]);
                double bound = similarityBound(l, i);
                if (apart > bound) {
                    throw new AssertionError(
                            String.format(
                                    "%s pair %d: the bank's cached similarity %.9f, MA-LMM's %.9f,"
                                            + " %.3e apart, more than the bound %.3e",
                                    where(l), i, bankLane.similarities()[i],
                                    similarity[i][token(l, 0)], apart, bound));
                }
                tally.worstSimilarityRatio = Math.max(tally.worstSimilarityRatio, apart / bound);
            }
        }
    }

    private String where(int l) {
        return "step " + step + (sync ? "" : " token " + l);
    }

    private static double norm(float[] row) {
        double squares = 0;
        for (float v : row) {
            squares += (double) v * v;
        }
        return Math.sqrt(squares);
    }
}

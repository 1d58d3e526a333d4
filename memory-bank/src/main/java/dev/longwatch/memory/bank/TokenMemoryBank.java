package dev.longwatch.memory.bank;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token granularity, MA-LMM exactly: every token position is its own lane of {@code dim}-float
 * entries and merges its own most similar adjacent pair. All lanes have the same length, so slot
 * position j exists in every lane, but its tokens may come from different frames.
 */
final class TokenMemoryBank extends AbstractMemoryBank {

    TokenMemoryBank(BankConfig config) {
        super(config);
    }

    @Override
    AppendOutcome appendNew(BankIndex index, BankFrame frame, BankStorage storage) {
        int tokens = frame.tokens();
        int dim = frame.dim();
        // Every lane entry is one token: a slot of one row of dim values.
        SlotTensors slots = new SlotTensors(storage, 1, dim, false);
        Lane[] lanes = new Lane[tokens];
        double similaritySum = 0;
        boolean compressed = false;
        boolean acrossGap = false;
        // Lane n's new entry gets id nextId + n: ids stay unique across lanes and frames.
        long firstId = index.nextId();
        for (int n = 0; n < tokens; n++) {
            Lane lane = index.isEmpty() ? Lane.empty() : index.lanes()[n];
            LaneEditor editor = new LaneEditor(lane, config.capacity() + 1);
            SlotTensor token = slots.arriving(frame.values(), n * dim);
            LaneCompressor.Step step = compressor.append(editor, slots, firstId + n, token, frame);
            similaritySum += step.similarityToPrevious();
            if (step.merge() != null) {
                compressed = true;
                acrossGap |= step.merge().acrossGap();
            }
            lanes[n] = editor.toLane();
        }
        BankIndex next =
                new BankIndex(
                        tokens, dim, firstId + tokens, index.framesSeen() + 1, frame.seq(), lanes);
        // Mean of the per-token cosines to the previous entries: the frame-level similarity.
        return new AppendOutcome(next, true, similaritySum / tokens, compressed, acrossGap);
    }

    /**
     * Summarises slot position j over the lanes: the span from the earliest to the latest frame any
     * of its tokens covers, the mean frame count (rounded), the keyframe most of its tokens name
     * (earliest on a tie), and the mean of its token vectors. Reads every vector of the bank.
     */
    @Override
    public List<SlotSummary> slots(BankIndex index, BankStorage storage) {
        if (index.isEmpty()) {
            return List.of();
        }
        Lane[] lanes = index.lanes();
        int dim = index.dim();
        List<SlotSummary> slots = new ArrayList<>(index.size());
        for (int j = 0; j < index.size(); j++) {
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            long countSum = 0;
            double[] sum = new double[dim];
            Map<Long, Integer> keyframeVotes = new HashMap<>();
            for (Lane lane : lanes) {
                start = Math.min(start, lane.startMs()[j]);
                end = Math.max(end, lane.endMs()[j]);
                countSum += lane.counts()[j];
                keyframeVotes.merge(lane.keyframeSeqs()[j], 1, Integer::sum);
                float[] vector = storage.tensors().get(lane.ids()[j]);
                if (vector == null) {
                    throw new IllegalStateException(
                            "slot " + lane.ids()[j] + " is in the bank index but not in its store");
                }
                for (int d = 0; d < dim; d++) {
                    sum[d] += vector[d];
                }
            }
            float[] descriptor = new float[dim];
            for (int d = 0; d < dim; d++) {
                descriptor[d] = (float) (sum[d] / lanes.length);
            }
            slots.add(
                    new SlotSummary(
                            start,
                            end,
                            Math.round((double) countSum / lanes.length),
                            mostVoted(keyframeVotes),
                            descriptor));
        }
        return slots;
    }

    private static long mostVoted(Map<Long, Integer> votes) {
        long best = Long.MAX_VALUE;
        int bestVotes = 0;
        for (Map.Entry<Long, Integer> vote : votes.entrySet()) {
            boolean more = vote.getValue() > bestVotes;
            boolean tieEarlier = vote.getValue() == bestVotes && vote.getKey() < best;
            if (more || tieEarlier) {
                best = vote.getKey();
                bestVotes = vote.getValue();
            }
        }
        return best;
    }
}

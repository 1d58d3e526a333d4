package dev.longwatch.bench.load;

import java.util.List;

/** The memory job's checkpoints as they complete. */
interface CheckpointSource {
    /**
     * Durations (ms) of the checkpoints completed since the previous call; a checkpoint is never
     * reported twice. Called once a second by the run's sampler.
     */
    List<Double> completedSinceLastCall() throws Exception;
}

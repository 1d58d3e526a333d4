package dev.longwatch.memory.job;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster the job ITCases run on: one TaskManager with two slots (parallelism 2). */
final class MiniClusters {
    private MiniClusters() {}

    static MiniClusterExtension oneTaskManagerTwoSlots() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }
}

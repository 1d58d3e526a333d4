package dev.longwatch.local;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * Keeps every port of the one-JVM stack's Flink MiniCluster on 127.0.0.1: RPC, the blob server
 * (it binds the job manager's bind host, which Flink leaves at every interface) and the REST
 * endpoint. None of them asks for authentication, so nothing but this machine may reach them
 * (README, Security). The metrics reporter is {@link LoopbackPrometheusReporterFactory}.
 */
final class FlinkOnLoopback {
    static final String LOOPBACK = "127.0.0.1";

    private FlinkOnLoopback() {}

    static void apply(Configuration cluster) {
        cluster.set(JobManagerOptions.ADDRESS, LOOPBACK);
        cluster.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        cluster.set(TaskManagerOptions.HOST, LOOPBACK);
        cluster.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        cluster.set(RestOptions.ADDRESS, LOOPBACK);
        cluster.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    }
}

package dev.longwatch.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Checkpoints from the memory job's Flink Prometheus reporter: the JobManager's
 * {@code numberOfCompletedCheckpoints} and {@code lastCheckpointDuration} gauges. When more than
 * one checkpoint completed between two readings only the last one's duration is known; it is
 * reported once (the count of checkpoints is still right in {@link #completed()}).
 */
final class PrometheusCheckpoints implements CheckpointSource {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI metrics;
    private long completed = -1;

    PrometheusCheckpoints(URI base) {
        this.metrics = base.resolve("/metrics");
    }

    @Override
    public List<Double> completedSinceLastCall() throws Exception {
        String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double count = gauge(text, "flink_jobmanager_job_numberOfCompletedCheckpoints");
        double last = gauge(text, "flink_jobmanager_job_lastCheckpointDuration");
        if (Double.isNaN(count)) {
            return List.of(); // the job is not running (yet)
        }
        long now = (long) count;
        boolean fresh = completed >= 0 && now > completed;
        completed = now;
        return fresh && !Double.isNaN(last) ? List.of(last) : List.of();
    }

    long completed() {
        return completed;
    }

    /** The value of the first sample of {@code name} in a Prometheus text exposition; NaN when absent. */
    static double gauge(String exposition, String name) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name) && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')) {
                String[] parts = line.trim().split(" ");
                return Double.parseDouble(parts[parts.length - 1]);
            }
        }
        return Double.NaN;
    }
}

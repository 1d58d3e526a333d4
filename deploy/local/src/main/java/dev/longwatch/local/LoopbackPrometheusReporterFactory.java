package dev.longwatch.local;

import java.util.Properties;
import org.apache.flink.metrics.prometheus.LoopbackPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * {@code metrics.reporter.prom.factory.class} of the one-JVM stack: Flink's Prometheus reporter on
 * 127.0.0.1 ({@link LoopbackPrometheusReporter}), at the reporter's {@value #PORT} option. Flink
 * finds it through {@code META-INF/services}.
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
    static final String PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String port = properties.getProperty(PORT);
        if (port == null) {
            throw new IllegalArgumentException("metrics reporter option '" + PORT + "' is required");
        }
        return new LoopbackPrometheusReporter(Integer.parseInt(port.strip()));
    }
}

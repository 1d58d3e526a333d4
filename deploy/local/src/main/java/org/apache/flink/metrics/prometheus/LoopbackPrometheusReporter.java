package org.apache.flink.metrics.prometheus;

import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Flink's Prometheus reporter, served on the loopback interface only. Flink's own {@link
 * PrometheusReporter} has no host option and listens on every interface, which the one-JVM stack
 * must not do: nothing on its ports asks for authentication (README, Security). It lives in
 * Flink's package because the collector registry it serves is package-private there; the metric
 * names and labels are Flink's own.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer httpServer;

    /** Starts serving {@code /metrics} on 127.0.0.1 (or the JVM's loopback address) at {@code port}. */
    public LoopbackPrometheusReporter(int port) {
        try {
            httpServer =
                    new HTTPServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), registry, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve Flink's metrics on loopback port " + port, e);
        }
    }

    /** The port it listens on (the one asked for, or the one picked for 0). */
    public int port() {
        return httpServer.getPort();
    }

    @Override
    public void close() {
        httpServer.stop();
        super.close();
    }
}

package dev.longwatch.encoder;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/**
 * {@code java -cp ... dev.longwatch.encoder.EncoderWorkerMain}: one worker process of the
 * {@code longwatch-encoder} consumer group. Configuration from the environment:
 * {@code LONGWATCH_BOOTSTRAP_SERVERS} (default {@code localhost:9092}) and
 * {@code LONGWATCH_ENCODER_TRANSACTIONAL_ID} (default {@code longwatch-encoder-<hostname>}; must be
 * unique per instance and stable across its restarts). The encoder comes from
 * {@link EncoderConfig#fromEnvironment}: {@code LONGWATCH_ENCODER_BACKEND}
 * (builtin|onnx|tensorrt|auto), {@code LONGWATCH_ENCODER_MODEL}, {@code LONGWATCH_ENCODER_OUTPUT}, ...
 */
public final class EncoderWorkerMain {
    private EncoderWorkerMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        EncoderSettings defaults =
                EncoderSettings.defaults(env.getOrDefault("LONGWATCH_BOOTSTRAP_SERVERS", "localhost:9092"));
        EncoderSettings settings =
                new EncoderSettings(
                        defaults.bootstrapServers(),
                        defaults.groupId(),
                        env.getOrDefault("LONGWATCH_ENCODER_TRANSACTIONAL_ID", "longwatch-encoder-" + host),
                        defaults.maxBatch(),
                        defaults.pollTimeout(),
                        defaults.grid(),
                        defaults.maxBatchDelay());
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (VisionEncoder encoder = EncoderFactory.create(EncoderConfig.fromEnvironment(env), metrics);
                EncoderWorker worker = new EncoderWorker(settings, encoder, metrics)) {
            Thread thread = new Thread(worker, "encoder-worker");
            Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
            thread.start();
            thread.join();
        }
    }
}

package dev.longwatch.bench;

import dev.longwatch.bench.load.LoadBench;
import dev.longwatch.bench.load.LoadOptions;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.local.DataDirs;
import dev.longwatch.local.EncoderOptions;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Cameras, askers and standing questions at once against the whole product; figures, a picture, a capacity search. */
@Command(
        name = "load",
        description = {
            "Real RTSP cameras (GStreamer, the shared clips looped at their native rates, sampled at 1 fps), concurrent askers"
                    + " and SSE subscribers against the embedded stack or a running deployment. Writes JSON, an HTML report"
                    + " beside it, and prints a summary; exits 1 on any error.",
            "With --find-capacity: the largest camera count whose lag stays bounded, per encoder."})
final class LoadBenchCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, description = "where to write the results; the HTML report goes beside it (.html)")
    Path json;

    @Option(names = "--cameras", defaultValue = "16", description = "RTSP cameras (default: ${DEFAULT-VALUE})")
    int cameras;

    @Option(names = "--askers", defaultValue = "50", description = "concurrent asking clients (default: ${DEFAULT-VALUE})")
    int askers;

    @Option(names = "--subscriptions", defaultValue = "20", description = "standing questions, each with an open SSE connection (default: ${DEFAULT-VALUE})")
    int subscriptions;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
            description = "measured time, e.g. 90s, 10m (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Mixin EncoderOptions encoder;

    @Option(names = "--llm-delay", defaultValue = "200ms", converter = DurationConverter.class,
            description = "how long the local OpenAI-compatible model takes per answer (default: ${DEFAULT-VALUE})")
    Duration llmDelay;

    @Option(names = "--evidence-only", description = "no model at all: asks answer in evidence-only mode (standing questions then never answer)")
    boolean evidenceOnly;

    @Option(names = "--think-time", defaultValue = "1s", converter = DurationConverter.class,
            description = "mean pause of an asker between an answer and its next question (default: ${DEFAULT-VALUE})")
    Duration thinkTime;

    @Option(names = "--cooldown", defaultValue = "1", description = "the standing questions' cooldown in seconds (default: ${DEFAULT-VALUE})")
    int cooldownSec;

    @Option(names = "--chaos", description = "restart the encoder worker (at a third) and the query service (at two thirds) mid-run")
    boolean chaos;

    @Option(names = "--chaos-down", defaultValue = "5s", converter = DurationConverter.class,
            description = "how long each restarted service stays down (default: ${DEFAULT-VALUE})")
    Duration chaosDown;

    @Option(names = "--find-capacity", description = "search the largest camera count that holds, for the given encoder or, without"
            + " --encoder, for the built-in one and MobileNetV2 (--model, default ../shared/data/models/mobilenetv2-12-int8.onnx)")
    boolean findCapacity;

    @Option(names = "--capacity-start", defaultValue = "4", description = "the search's first camera count (default: ${DEFAULT-VALUE})")
    int capacityStart;

    @Option(names = "--capacity-max", defaultValue = "64", description = "the search's largest camera count (default: ${DEFAULT-VALUE})")
    int capacityMax;

    @Option(names = "--capacity-resolution", defaultValue = "2", description = "stop when the held and failed counts are this close (default: ${DEFAULT-VALUE})")
    int capacityResolution;

    @Option(names = "--server", description = "a running deployment's query service, e.g. http://127.0.0.1:8080 (default: start the embedded stack)")
    URI server;

    @Option(names = "--kafka", description = "with --server: its Kafka as this machine reaches it, e.g. localhost:29092 (compose)")
    String kafka;

    @Option(names = "--flink", defaultValue = "http://127.0.0.1:8081", description = "with --server: Flink's REST API (default: ${DEFAULT-VALUE})")
    URI flink;

    @Option(names = "--docker", defaultValue = "docker", description = "with --server --chaos: the container command (default: ${DEFAULT-VALUE})")
    String docker;

    @Option(names = "--listen", defaultValue = "127.0.0.1",
            description = "where the cameras and the local model listen; with --server an address the containers reach (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--video-dir", defaultValue = "../shared/data/video", description = "the clips the cameras serve (default: ${DEFAULT-VALUE})")
    Path videoDir;

    @Option(names = "--checkpoint-ms", defaultValue = "1000", description = "the embedded memory job's checkpoint interval (default: ${DEFAULT-VALUE}, as ./longwatch up)")
    long checkpointMs;

    @Option(names = "--seed", defaultValue = "1", description = "the askers' random choices (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data-dir", description = "where the embedded stack keeps its data (default: a temporary directory, deleted after)")
    Path dataDir;

    @Option(names = "--clip-cache", defaultValue = "${java.io.tmpdir}/longwatch-load-clips",
            description = "where the looped clips are kept between runs (default: ${DEFAULT-VALUE})")
    Path clipCache;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("longwatch-bench-load-");
        try {
            LoadOptions options = new LoadOptions(
                    cameras, askers, subscriptions, duration, encoder.config(), evidenceOnly ? null : llmDelay, thinkTime, cooldownSec,
                    chaos, chaosDown, server, kafka, flink, docker, InetAddress.getByName(listen), videoDir.toAbsolutePath(), dir,
                    clipCache, checkpointMs, seed);
            if (findCapacity) {
                EncoderConfig mobileNet = EncoderConfig.onnx(Path.of("../shared/data/models/mobilenetv2-12-int8.onnx").toAbsolutePath());
                LoadBench.findCapacity(options, encoder.given() ? null : mobileNet, capacityStart, capacityMax, capacityResolution,
                        json, System.err);
                return 0;
            }
            return LoadBench.runOnce(options, json, System.err, System.out).errors() == 0 ? 0 : 1;
        } finally {
            if (dataDir == null) {
                DataDirs.deleteQuietly(dir);
            }
        }
    }

    /** "90s", "10m", "1h", "200ms" or an ISO-8601 duration. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("p")) {
                return Duration.parse(value);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new IllegalArgumentException("not a duration: " + value + " (e.g. 90s, 10m, 200ms)");
            };
        }
    }
}

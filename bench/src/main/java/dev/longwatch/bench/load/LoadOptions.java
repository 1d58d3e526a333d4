package dev.longwatch.bench.load;

import dev.longwatch.encoder.EncoderConfig;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One load run.
 *
 * @param cameras RTSP cameras (streams at 1 fps)
 * @param askers concurrent asking clients
 * @param subscriptions standing questions, each with an open SSE connection
 * @param duration measured time
 * @param encoder the embedded stack's encoder (ignored with {@code server})
 * @param llmDelay the local model's delay per answer; null for evidence-only mode (no model:
 *     standing questions then never answer)
 * @param thinkTime mean pause of an asker between an answer and its next question
 * @param cooldownSec the standing questions' cooldown
 * @param chaos restart the encoder and the query service once each mid-run
 * @param chaosDown how long each stays down
 * @param server a running deployment's query service; null for the embedded stack
 * @param kafka the deployment's Kafka as this machine reaches it (with {@code server})
 * @param flink the deployment's Flink REST API (with {@code server})
 * @param docker the container command for {@code --chaos} with {@code server}
 * @param listen where the cameras and the local model listen: loopback for the embedded stack,
 *     an address the containers reach for {@code server}
 * @param videoDir the shared clips
 * @param dataDir the embedded stack's data and the looped clips' cache
 * @param checkpointIntervalMs the embedded memory job's checkpoint interval
 * @param seed askers' random choices
 */
public record LoadOptions(
        int cameras,
        int askers,
        int subscriptions,
        Duration duration,
        EncoderConfig encoder,
        Duration llmDelay,
        Duration thinkTime,
        int cooldownSec,
        boolean chaos,
        Duration chaosDown,
        URI server,
        String kafka,
        URI flink,
        String docker,
        InetAddress listen,
        Path videoDir,
        Path dataDir,
        Path clipCache,
        long checkpointIntervalMs,
        long seed) {

    public LoadOptions {
        if (cameras < 1 || askers < 0 || subscriptions < 0) {
            throw new IllegalArgumentException("need at least 1 camera and no negative askers or subscriptions");
        }
        if (duration.toSeconds() < 10) {
            throw new IllegalArgumentException("--duration must be at least 10 s, got " + duration);
        }
        if (server != null && kafka == null) {
            throw new IllegalArgumentException("--server needs --kafka (the deployment's Kafka as this machine reaches it)");
        }
    }

    public LoadOptions withCameras(int count) {
        return new LoadOptions(count, askers, subscriptions, duration, encoder, llmDelay, thinkTime, cooldownSec, chaos, chaosDown,
                server, kafka, flink, docker, listen, videoDir, dataDir, clipCache, checkpointIntervalMs, seed);
    }

    public LoadOptions withEncoder(EncoderConfig config) {
        return new LoadOptions(cameras, askers, subscriptions, duration, config, llmDelay, thinkTime, cooldownSec, chaos, chaosDown,
                server, kafka, flink, docker, listen, videoDir, dataDir, clipCache, checkpointIntervalMs, seed);
    }

    public LoadOptions withDataDir(Path dir) {
        return new LoadOptions(cameras, askers, subscriptions, duration, encoder, llmDelay, thinkTime, cooldownSec, chaos, chaosDown,
                server, kafka, flink, docker, listen, videoDir, dir, clipCache, checkpointIntervalMs, seed);
    }
}

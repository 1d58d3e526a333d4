package dev.longwatch.query.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How long the keyframe store keeps a frame nothing points to. A frame is kept while a slot of
 * the stream's current memory snapshot or of one of its sealed chapters names it as keyframe;
 * any other frame is deleted once it is older than {@code grace} (by the task's stream time) and
 * the snapshot has moved past it. The grace covers what arrives out of step: the snapshot lags
 * lw.frames (the memory job is behind, or rate-limits snapshots), and a chapter sealed in the same
 * transaction as the snapshot that drops its slots reaches the global chapter store on another
 * thread.
 *
 * <table>
 *   <caption>Environment variables read by {@link #fromEnv}</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@value #ENV_GRACE_S}</td><td>600 (10 min of stream time)</td></tr>
 *   <tr><td>{@value #ENV_SWEEP_S}</td><td>60: how often (wall clock) each task sweeps its frames</td></tr>
 * </table>
 */
public record KeyframeRetention(Duration grace, Duration sweepInterval) {
    public static final String ENV_GRACE_S = "LONGWATCH_KEYFRAME_GRACE_S";
    public static final String ENV_SWEEP_S = "LONGWATCH_KEYFRAME_SWEEP_S";
    public static final KeyframeRetention DEFAULT = new KeyframeRetention(Duration.ofMinutes(10), Duration.ofMinutes(1));

    public KeyframeRetention {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("keyframe grace must be >= 0, got " + grace);
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("keyframe sweep interval must be > 0, got " + sweepInterval);
        }
    }

    static KeyframeRetention fromEnv(Map<String, String> env) {
        return new KeyframeRetention(
                seconds(env, ENV_GRACE_S).orElse(DEFAULT.grace()),
                seconds(env, ENV_SWEEP_S).orElse(DEFAULT.sweepInterval()));
    }

    private static Optional<Duration> seconds(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(value.strip()) * 1000)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of seconds, got '" + value + "'", e);
        }
    }
}

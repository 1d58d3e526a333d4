package dev.longwatch.bench;

import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.FfmpegFrameSource;
import dev.longwatch.ingest.source.SourceException;
import dev.longwatch.ingest.source.SourceFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A clip's sampled frames through a vision encoder, kept in memory so a benchmark can replay them
 * at new times without decoding or encoding again.
 *
 * @param name the file name
 * @param ptsMs media time of each sampled frame
 * @param tokens the encoder's output for each sampled frame
 * @param frameIntervalMs media time between two sampled frames
 * @param durationMs media time from the first frame to one sampling interval past the last
 */
record EncodedClip(String name, List<Long> ptsMs, List<float[]> tokens, long frameIntervalMs, long durationMs) {
    EncodedClip {
        ptsMs = List.copyOf(ptsMs);
        tokens = List.copyOf(tokens);
        if (ptsMs.size() != tokens.size() || ptsMs.isEmpty()) {
            throw new IllegalArgumentException(name + ": needs one token array per frame, and at least one frame");
        }
    }

    /** Decodes {@code file}, keeps {@code sampleFps} frames a second and encodes each. */
    static EncodedClip encode(Path file, VisionEncoder encoder, double sampleFps) throws IOException {
        List<Long> pts = new ArrayList<>();
        List<float[]> tokens = new ArrayList<>();
        FrameSampler sampler = new FrameSampler(sampleFps);
        long lastPts = 0;
        try (FfmpegFrameSource source = FfmpegFrameSource.open(file.toString())) {
            Optional<SourceFrame> frame;
            while ((frame = source.next()).isPresent()) {
                long ptsMs = frame.get().ptsMs();
                lastPts = ptsMs;
                if (sampler.accept(ptsMs)) {
                    tokens.add(encoder.encode(List.of(frame.get().toImage()))[0]);
                    pts.add(ptsMs);
                }
            }
        } catch (SourceException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long intervalMs = Math.round(1000 / sampleFps);
        return new EncodedClip(file.getFileName().toString(), pts, tokens, intervalMs, lastPts + intervalMs);
    }

    /**
     * The clip cut at {@code cutsMs} (increasing media times where a new shot starts) into its
     * shots, each with times from its own start. A cut no sampled frame follows before the next one
     * leaves no shot behind: a shot needs a frame to be seen. A shot lasts at least one sampling
     * interval past its last frame, so a shot shorter than the interval replays at the sampling
     * rate, not faster.
     */
    List<EncodedClip> shots(List<Long> cutsMs) {
        List<Long> starts = new ArrayList<>();
        starts.add(0L);
        starts.addAll(cutsMs);
        List<EncodedClip> shots = new ArrayList<>();
        for (int s = 0; s < starts.size(); s++) {
            long from = starts.get(s);
            long to = s + 1 < starts.size() ? starts.get(s + 1) : durationMs;
            List<Long> shotPts = new ArrayList<>();
            List<float[]> shotTokens = new ArrayList<>();
            for (int i = 0; i < ptsMs.size(); i++) {
                if (ptsMs.get(i) >= from && ptsMs.get(i) < to) {
                    shotPts.add(ptsMs.get(i) - from);
                    shotTokens.add(tokens.get(i));
                }
            }
            if (!shotPts.isEmpty()) {
                String shotName = starts.size() == 1 ? name : String.format("%s@%.2fs", name, from / 1000.0);
                long lastMs = shotPts.get(shotPts.size() - 1);
                shots.add(new EncodedClip(shotName, shotPts, shotTokens, frameIntervalMs, Math.max(to - from, lastMs + frameIntervalMs)));
            }
        }
        return shots;
    }
}

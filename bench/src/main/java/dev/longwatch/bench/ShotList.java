package dev.longwatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the shots of known clips start: the ground truth that splits a clip into scenes for
 * {@code bench fidelity}. Read from a tab-separated list (file name, then cut times in seconds, or
 * {@code -} for a clip of one shot); see {@code shared-clip-shots.tsv} for how the shared clips'
 * list was made.
 */
final class ShotList {
    private static final String SHARED_CLIPS = "shared-clip-shots.tsv";

    private final Map<String, List<Long>> cutsMsByFile;

    ShotList(Map<String, List<Long>> cutsMsByFile) {
        this.cutsMsByFile = Map.copyOf(cutsMsByFile);
    }

    /** The recorded shots of the clips in ../shared/data/video. */
    static ShotList sharedClips() {
        try (InputStream in = ShotList.class.getResourceAsStream(SHARED_CLIPS)) {
            if (in == null) {
                throw new IllegalStateException(SHARED_CLIPS + " is missing from the classpath");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ShotList parse(List<String> lines) {
        Map<String, List<Long>> cuts = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 2) {
                throw new IllegalArgumentException("shot list line " + (n + 1) + ": expected FILE<TAB>CUTS, got: " + line);
            }
            List<Long> times = new ArrayList<>();
            if (!fields[1].strip().equals("-")) {
                for (String cut : fields[1].strip().split(" +")) {
                    long ms = Math.round(Double.parseDouble(cut) * 1000);
                    if (ms <= 0 || (!times.isEmpty() && ms <= times.get(times.size() - 1))) {
                        throw new IllegalArgumentException("shot list line " + (n + 1) + ": cuts must be positive and increasing: " + line);
                    }
                    times.add(ms);
                }
            }
            cuts.put(fields[0].strip(), List.copyOf(times));
        }
        return new ShotList(cuts);
    }

    /** The media times at which a new shot of {@code fileName} starts; empty when the clip is not listed. */
    Optional<List<Long>> cutsMs(String fileName) {
        return Optional.ofNullable(cutsMsByFile.get(fileName));
    }
}

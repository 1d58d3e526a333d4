package dev.longwatch.memory.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the newest completed checkpoint under a checkpoint directory ({@code <job-id>/chk-<n>/
 * _metadata}), so a restarted local cluster resumes the banks where it stopped: the Kafka source
 * commits offsets on checkpoints, so a fresh start would skip the frames already in the banks.
 */
public final class RetainedCheckpoints {
    private static final String METADATA = "_metadata";

    private RetainedCheckpoints() {}

    public static Optional<Path> latest(Path checkpointDir) {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(checkpointDir, 3, RetainedCheckpoints::isMetadata)) {
            return files.max(Comparator.comparing(RetainedCheckpoints::modified))
                    .map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints under " + checkpointDir, e);
        }
    }

    private static boolean isMetadata(
            Path path, java.nio.file.attribute.BasicFileAttributes attrs) {
        return attrs.isRegularFile()
                && path.getFileName().toString().equals(METADATA)
                && path.getParent().getFileName().toString().startsWith("chk-");
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

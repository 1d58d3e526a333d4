package dev.longwatch.ingest.cli;

import dev.longwatch.ingest.IngestResult;
import dev.longwatch.ingest.IngestService;
import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.ingest.source.SourceLocation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.io.PrintStream;

/** Entry point behind {@code ./longwatch ingest FILE --stream ID [--fps F]}. */
public final class IngestCli {
    private IngestCli() {}

    /**
     * Ingests one file (or any source that ends) into {@code lw.frames} of a running stack,
     * drawing a progress bar on {@code progress}. Returns once every frame is acknowledged by
     * Kafka (COMPLETED is written after a flush), or when the source fails; the caller then waits
     * for the memory to catch up. Uses no control plane: pick a stream id that is not in use.
     *
     * @return how it ended; {@link IngestResult#completed()} is false with {@code error} set when
     *     the source could not be read (bad file, outside the allowed roots, ...)
     * @throws IllegalArgumentException for an invalid stream id or sample rate
     */
    public static IngestResult run(
            String bootstrapServers, String streamId, String uri, double sampleFps, PrintStream progress) {
        IngestSettings settings =
                IngestSettings.defaults(bootstrapServers).withInstanceId("ingest-cli-" + streamId);
        if (!SourceLocation.isNetwork(uri) && !uri.startsWith("file:")) {
            // The operator names this file on their own command line: its directory is the root.
            Path parent = Path.of(uri).toAbsolutePath().getParent();
            settings = settings.withMediaRoots(parent == null ? List.of() : List.of(parent));
        }
        ProgressBar bar = new ProgressBar(progress);
        try (IngestService service = new IngestService(settings, new SimpleMeterRegistry())) {
            IngestResult result = service.ingest(streamId, uri, sampleFps, bar);
            bar.finish(
                    result.completed()
                            ? String.format(
                                    java.util.Locale.ROOT,
                                    "%s: %d frames in lw.frames (%.1f s)",
                                    streamId,
                                    result.framesProduced(),
                                    result.elapsed().toMillis() / 1000.0)
                            : streamId + " " + result.state() + ": " + result.error());
            return result;
        }
    }
}

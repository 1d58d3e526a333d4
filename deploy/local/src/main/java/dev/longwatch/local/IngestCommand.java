package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.ingest.cli.ProgressBar;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./longwatch ingest URI --stream ID}: registers a source with a running stack and, for a
 * file, shows a progress bar until the whole file is in the memory bank.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Add a file or camera to a running stack; for a file, wait with a progress bar until it is all in memory.")
final class IngestCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "a video file, or an rtsp://, http(s):// or file: URI")
    String uri;

    @Option(names = "--stream", required = true, description = "stream id")
    String streamId;

    @Option(names = "--fps", defaultValue = "1", description = "frames sampled per second (default: ${DEFAULT-VALUE})")
    double sampleFps;

    @Option(names = "--server", defaultValue = "http://127.0.0.1:8080", description = "query service URL (default: ${DEFAULT-VALUE})")
    URI server;

    @Option(names = "--timeout", defaultValue = "PT2H", description = "give up waiting after this long (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        boolean live = uri.contains("://") && !uri.startsWith("file:");
        String source = uri;
        if (!live) {
            Path path = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
            if (!Files.isRegularFile(path)) {
                System.err.println("ingest: no such file: " + path.toAbsolutePath());
                return 2;
            }
            source = path.toAbsolutePath().toString(); // the stack may run in another directory
        }
        ApiClient api = new ApiClient(server);
        try {
            api.post("/v1/streams", Map.of("id", streamId, "uri", source, "sampleFps", sampleFps))
                    .requireSuccess("registering " + streamId);
            if (live) {
                System.err.println("ingest: stream " + streamId + " added; it runs until deleted");
                return 0;
            }
            ProgressBar bar = new ProgressBar(System.err);
            JsonNode done =
                    new MemoryWait(api, streamId, timeout, MemoryWait::noFault, stream -> bar.onProgress(
                                            stream.path("framesProduced").asLong(),
                                            (long) (stream.path("lastPtsSec").asDouble() * 1000),
                                            (long) (stream.path("durationSec").asDouble() * 1000)))
                            .untilComplete();
            bar.finish(streamId + ": " + done.path("framesInMemory").asLong() + " frames in memory");
            return 0;
        } catch (ApiClient.ApiException | MemoryWait.StreamFailedException e) {
            System.err.println("ingest: " + e.getMessage());
            return 1;
        }
    }
}

package dev.longwatch.bench;

import dev.longwatch.ingest.bench.IngestBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Sampled and keyframes-only decoding of a generated 1080p H.264 file against Debian's ffmpeg. */
@Command(name = "ingest", description = "Ingest decode speed against 'ffmpeg -i F -f null -' on the same 1080p file, same run.")
final class IngestBenchCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Override
    public Integer call() throws Exception {
        IngestBenchmark.run(json, System.err);
        System.err.println("bench ingest: wrote " + json);
        return 0;
    }
}

package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./longwatch demo}: the whole product in one JVM, once, end to end: start the embedded
 * stack, register a video as a stream over HTTP, wait until every sampled frame is in the memory
 * bank, ask, print, shut down.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Ingest a video, wait until it is all in memory, ask a question, print the answer.")
final class DemoCommand implements Callable<Integer> {
    static final String STREAM_ID = "demo";

    @Option(names = "--video", description = "video file to ingest (default: a generated video of distinct scenes)")
    Path video;

    @Option(names = "--question", defaultValue = "What happens in this video, and when?", description = "the question (default: ${DEFAULT-VALUE})")
    String question;

    @Option(names = "--json", description = "print only the ask response JSON, as the last line on stdout")
    boolean json;

    @Option(names = "--slots", defaultValue = "20", description = "memory bank capacity M (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--fps", defaultValue = "1", description = "frames sampled per second of video (default: ${DEFAULT-VALUE})")
    double sampleFps;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "give up waiting for the memory after this long (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Mixin EncoderOptions encoderOptions;

    @Option(names = "--data-dir", description = "where the stack keeps its data (default: a temporary directory, deleted at exit)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("longwatch-demo-");
        try {
            Path input = video != null ? video.toAbsolutePath() : DemoVideo.generate(dir, progress);
            if (!Files.isRegularFile(input)) {
                progress.println("demo: no such video file: " + input);
                return 2;
            }
            // The stream reads the one video: its directory is the only media root, spelled as the
            // path is (the roots are compared with the path as written before anything is resolved;
            // MediaRoots adds the directory's real path for the second check). The environment's
            // network rules and pixel limit hold as for up.
            Map<String, String> env = System.getenv();
            LocalStackSettings settings =
                    LocalStackSettings.defaults(dir).withHttpPort(0).withSlots(slots).withEncoder(encoderOptions.config())
                            .withEnvironment(env)
                            .withSources(LocalStackSettings.upSources(dir, env, List.of(input.getParent()), List.of(), List.of(), null));
            progress.println("demo: starting Kafka, Flink, encoder, ingest and the query service...");
            try (LocalStack stack = LocalStack.start(settings)) {
                ApiClient api = new ApiClient(stack.httpBase());
                progress.println("demo: query service at " + stack.httpBase());
                api.post("/v1/streams", Map.of("id", STREAM_ID, "uri", input.toString(), "sampleFps", sampleFps))
                        .requireSuccess("registering the stream");
                JsonNode stream = new MemoryWait(api, STREAM_ID, timeout, stack::fault, new StreamProgressLines("demo", progress)).untilComplete();
                progress.printf(
                        "demo: %d frames in memory (a bank of at most %d slots, covering %.1f s); asking: %s%n",
                        stream.path("framesInMemory").asLong(),
                        slots,
                        stream.path("coverageSec").asDouble(),
                        question);
                ApiClient.Reply answer =
                        api.post("/v1/streams/" + STREAM_ID + "/ask", Map.of("question", question))
                                .requireSuccess("ask");
                AnswerPrinter.print(answer, json);
            }
            progress.println("demo: stopped cleanly");
            return 0;
        } catch (ApiClient.ApiException | MemoryWait.StreamFailedException e) {
            progress.println("demo: " + e.getMessage());
            return 1;
        } finally {
            if (dataDir == null) {
                DataDirs.deleteQuietly(dir);
            }
        }
    }
}

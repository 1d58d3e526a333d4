package dev.longwatch.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose stack survives SIGKILL of any part. Given a video of several minutes (the shared
 * clips strung together) registered as a few streams, and a standing question on each (answered
 * by a stub model), when, while it goes through, an ingest container, an encoder container, the
 * TaskManager, the query service and the Kafka broker (and then the JobManager) are killed in
 * turn with SIGKILL, each after the last one's recovery, and compose restarts each, then what a
 * read_committed reader sees is what a fault-free run of the same stack wrote: every frame on
 * lw.frames and its embedding on lw.embeddings exactly once, the same final memory per stream
 * (slots, counts, spans, keyframes, descriptors, frames seen, version), the same lw.events, and
 * consistent lw.event-answers (see {@link #assertAnswersConsistent}). Each recovery is timed and
 * written to target/chaos.json.
 *
 * <p>Opt-in: {@code -Dlongwatch.compose=true} with the images built ({@code
 * deploy/images/build.sh}); .ci/run runs it after the default verify. About 10 minutes here.
 */
class ComposeChaosITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = System.getProperty("longwatch.image-tag", "0.1.0-SNAPSHOT");
    private static final String KAFKA_IMAGE = System.getProperty("longwatch.kafka-image", "localhost/apache/kafka:4.2.1");
    private static final String LLM_HOST = System.getProperty("longwatch.chaos.llm-host", "host.containers.internal");
    private static final int STREAMS = Integer.getInteger("longwatch.chaos.streams", 6);
    private static final double FPS = Double.parseDouble(System.getProperty("longwatch.chaos.fps", "4"));
    private static final int ROUNDS = Integer.getInteger("longwatch.chaos.rounds", 4);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(15);

    private static Path work;
    private static Path video;
    private static StubLlm llm;

    @BeforeAll
    static void makeTheVideo() throws Exception {
        work = Files.createDirectories(Path.of("target/chaos")).toAbsolutePath();
        Path clips = ComposeStack.ROOT.resolve("../shared/data/video").normalize();
        video = LongVideo.make(clips, Files.createDirectories(work.resolve("video")), ROUNDS);
        llm = new StubLlm();
    }

    @AfterAll
    static void stopTheModel() {
        if (llm != null) {
            llm.close();
        }
    }

    @Test
    void shouldEndWithTheFaultFreeRunsOutputAfterEveryPartIsKilled() throws Exception {
        Run reference = run("reference", false, 0);
        Run faulty = run("faults", true, reference.totalFrames());

        // Every frame and its embedding exactly once, in both runs, and the same frames.
        for (Run run : List.of(reference, faulty)) {
            Map<String, Map<Long, Long>> frames = run.output().frameSeqs();
            assertThat(frames).as(run.name() + ": streams on lw.frames").hasSize(STREAMS);
            frames.forEach((stream, seqs) -> assertExactlyOnceFromZero(run.name() + " lw.frames " + stream, seqs));
            run.output().embeddingSeqs().forEach((stream, seqs) ->
                    assertExactlyOnceFromZero(run.name() + " lw.embeddings " + stream, seqs));
            assertThat(run.output().embeddingSeqs().keySet()).isEqualTo(frames.keySet());
        }
        assertThat(faulty.output().frameSeqs()).isEqualTo(reference.output().frameSeqs());
        assertThat(faulty.output().embeddingSeqs()).isEqualTo(reference.output().embeddingSeqs());

        // The same memory and the same events, each once.
        assertThat(faulty.output().finalMemory()).isEqualTo(reference.output().finalMemory()).hasSize(STREAMS);
        assertThat(faulty.output().sortedEvents()).doesNotHaveDuplicates().isEqualTo(reference.output().sortedEvents());

        assertAnswersConsistent(reference);
        assertAnswersConsistent(faulty);
        Map<String, String> referenceAnswers = answersById(reference);
        answersById(faulty).forEach((id, answer) -> {
            if (referenceAnswers.containsKey(id)) {
                assertThat(answer).as("answer " + id).isEqualTo(referenceAnswers.get(id));
            }
        });
        writeReport(reference, faulty);
    }

    // --- one run of the stack ------------------------------------------------------------------

    private record Recovery(String service, String container, double restartSec, double recoverySec, long framesInMemoryAtKill) {}

    private record Run(String name, CommittedOutput output, List<Recovery> recoveries, double seconds, long totalFrames,
            Set<String> answerIdsWithRepeats, Map<String, double[]> encoders) {}

    private Run run(String name, boolean faults, long expectedFrames) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.copy(video, media.resolve("long.mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        media.toFile().setReadable(true, false);
        media.resolve("long.mp4").toFile().setReadable(true, false);
        String token = "chaos-" + Long.toHexString(System.nanoTime());
        int port = freePort();
        int kafkaPort = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("LONGWATCH_MEDIA", media.toAbsolutePath().toString());
        env.put("LONGWATCH_MODELS", Files.createDirectories(dir.resolve("models")).toAbsolutePath().toString());
        env.put("LONGWATCH_PORT", Integer.toString(port));
        env.put("LONGWATCH_FLINK_UI_PORT", Integer.toString(freePort()));
        env.put("LONGWATCH_KAFKA_HOST_PORT", Integer.toString(kafkaPort));
        env.put("LONGWATCH_KAFKA_IMAGE", KAFKA_IMAGE);
        env.put("LONGWATCH_IMAGE_TAG", TAG);
        env.put("LONGWATCH_API_TOKENS", token + "=*");
        env.put("LONGWATCH_PEER_TOKEN", token);
        env.put("LONGWATCH_LLM_URL", "http://" + LLM_HOST + ":" + llm.port() + "/v1");
        env.put("LONGWATCH_LLM_MODEL", "stub");
        String bootstrap = "localhost:" + kafkaPort;
        StackApi api = new StackApi(port, token);
        List<Recovery> recoveries = new ArrayList<>();
        long started = System.nanoTime();
        try (ComposeStack stack = new ComposeStack("longwatch-chaos-" + name, env, dir)) {
            try {
                stack.up();
                await(Duration.ofMinutes(5), "the query service is ready", api::ready);
                // A question needs its stream: registered first, asked at once after.
                for (int i = 1; i <= STREAMS; i++) {
                    api.post("/v1/streams", "{\"id\":\"cam-" + i + "\",\"uri\":\"/media/long.mp4\",\"sampleFps\":" + FPS + "}");
                }
                for (int i = 1; i <= STREAMS; i++) {
                    String body = "{\"streamId\":\"cam-" + i + "\",\"question\":\"Does the scene change?\",\"cooldownSec\":1}";
                    // The stream reaches the views a moment after its registration.
                    await(Duration.ofSeconds(30), "the subscription to cam-" + i + " is accepted", () -> {
                        try {
                            api.post("/v1/subscriptions", body);
                            return true;
                        } catch (IllegalStateException notYet) {
                            return false;
                        }
                    });
                }
                if (faults) {
                    killInTurn(stack, api, bootstrap, expectedFrames, recoveries);
                }
                await(RUN_LIMIT, "every stream is in memory", () -> allDone(api));
                // Standing questions are answered after their events: wait until the model is quiet.
                long calls;
                do {
                    calls = llm.calls();
                    Thread.sleep(10_000);
                } while (llm.calls() != calls);
                double seconds = (System.nanoTime() - started) / 1e9;
                CommittedOutput output = CommittedOutput.read(bootstrap);
                long total = output.frameSeqs().values().stream().mapToLong(Map::size).sum();
                return new Run(name, output, recoveries, seconds, total, repeatedAnswerIds(output), encoderMeters(stack));
            } finally {
                stack.saveLogs();
            }
        }
    }

    /**
     * SIGKILL in turn: the ingest instance that runs a stream, an encoder, the TaskManager, the
     * query service, the broker. Each kill lands while frames are still on their way (checked),
     * and the next waits until compose has restarted the container and the part's work has moved
     * on, as the broker shows it: the killed ingest's streams report more frames (or their end),
     * the committed memory holds more frames (encoder, TaskManager, broker), the query service is
     * ready again.
     */
    private void killInTurn(ComposeStack stack, StackApi api, String bootstrap, long expectedFrames, List<Recovery> recoveries)
            throws Exception {
        try (CommittedProgress progress = new CommittedProgress(bootstrap)) {
            await(Duration.ofMinutes(3), "ingest has produced 5 % of the frames",
                    () -> produced(progress.statuses().values()) >= expectedFrames / 20);
            String ingest = ingestRunningAStream(stack, progress.statuses());
            String instance = "ingest-" + stack.hostname(ingest);
            Map<String, StreamStatus> itsStreams = progress.statuses().entrySet().stream()
                    .filter(e -> e.getValue().getInstance().equals(instance) && e.getValue().getState() == StreamState.RUNNING)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            long killedAt = System.currentTimeMillis();
            recoveries.add(killAndRecover(stack, progress, expectedFrames, "ingest", ingest, () -> itsStreams.values().stream()
                    .allMatch(before -> {
                        StreamStatus now = progress.statuses().get(before.getStreamId());
                        return now.getUpdatedMs() > killedAt
                                && (now.getFramesProduced() > before.getFramesProduced() || now.getState() == StreamState.COMPLETED);
                    })));
            for (String service : List.of("encoder", "taskmanager")) {
                long before = progress.framesInMemory();
                recoveries.add(killAndRecover(stack, progress, expectedFrames, service, stack.containers(service).get(0),
                        () -> progress.framesInMemory() > before));
            }
            recoveries.add(killAndRecover(stack, progress, expectedFrames, "query", stack.containers("query").get(0), api::ready));
            for (String service : List.of("kafka", "jobmanager")) {
                // The JobManager is not one of the parts the issue lists; without a HA service its
                // restart resumes from the newest checkpoint on the volume (the image's entry point).
                long before = progress.framesInMemory();
                recoveries.add(killAndRecover(stack, progress, expectedFrames, service, stack.containers(service).get(0),
                        () -> progress.framesInMemory() > before));
            }
        }
    }

    private Recovery killAndRecover(ComposeStack stack, CommittedProgress progress, long expectedFrames, String service,
            String container, BooleanSupplier recovered) throws Exception {
        long inMemory = progress.framesInMemory();
        assertThat(inMemory).as("frames still on their way when %s is killed", service).isLessThan(expectedFrames);
        long start = System.nanoTime();
        long pid = stack.kill(container);
        await(Duration.ofMinutes(3), container + " is restarted by compose", () -> stack.restarted(container, pid));
        double restart = (System.nanoTime() - start) / 1e9;
        await(Duration.ofMinutes(5), "the work moves on after " + service + " was killed", recovered);
        double recovery = (System.nanoTime() - start) / 1e9;
        System.out.printf("chaos: %s (%s) killed at %d of %d frames in memory: restarted after %.1f s, recovered after %.1f s%n",
                service, container, inMemory, expectedFrames, restart, recovery);
        return new Recovery(service, container, restart, recovery, inMemory);
    }

    private static long produced(java.util.Collection<StreamStatus> statuses) {
        return statuses.stream().mapToLong(StreamStatus::getFramesProduced).sum();
    }

    /**
     * Per encoder container: {frames encoded, seconds spent in batches} from its own meters
     * ({@code longwatch_encoder_frames_total}, {@code longwatch_encoder_batch_seconds_sum}): the
     * encoder's speed while busy, which the README's sizing table quotes for the built-in encoder.
     */
    private static Map<String, double[]> encoderMeters(ComposeStack stack) {
        Map<String, double[]> meters = new TreeMap<>();
        for (String container : stack.containers("encoder")) {
            double frames = 0;
            double seconds = 0;
            for (String line : stack.getInside(container, 9401, "/metrics").lines().toList()) {
                if (line.startsWith("longwatch_encoder_frames_total")) {
                    frames += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("longwatch_encoder_batch_seconds_sum")) {
                    seconds += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            meters.put(container, new double[] {frames, seconds});
        }
        return meters;
    }

    /** The ingest container whose instance runs a stream now (by lw.stream-status). */
    private static String ingestRunningAStream(ComposeStack stack, Map<String, StreamStatus> statuses) {
        for (String container : stack.containers("ingest")) {
            String instance = "ingest-" + stack.hostname(container);
            boolean running = statuses.values().stream()
                    .anyMatch(s -> s.getInstance().equals(instance) && s.getState() == StreamState.RUNNING);
            if (running) {
                return container;
            }
        }
        throw new AssertionError("no ingest instance runs a stream now: " + statuses.values());
    }

    private static boolean allDone(StackApi api) {
        JsonNode streams = api.get("/v1/streams").orElse(null);
        if (streams == null) {
            return false;
        }
        int done = 0;
        for (JsonNode stream : streams.isArray() ? streams : streams.path("streams")) {
            boolean complete = stream.path("state").asText().equals("COMPLETED")
                    && stream.path("framesProduced").asLong() > 0
                    && stream.path("framesInMemory").asLong() == stream.path("framesProduced").asLong();
            done += complete ? 1 : 0;
        }
        return done == STREAMS;
    }

    // --- checks --------------------------------------------------------------------------------

    private static void assertExactlyOnceFromZero(String what, Map<Long, Long> seqCounts) {
        assertThat(seqCounts.values()).as(what + ": each seq once").allMatch(count -> count == 1);
        assertThat(seqCounts.keySet()).as(what + ": seqs 0..n-1, none lost")
                .containsExactlyElementsOf(LongStream.range(0, seqCounts.size()).boxed().toList());
    }

    /**
     * Standing questions are at-least-once by design (query-service README: an answer's id is
     * {@code subscription@pts} and a re-evaluation after a crash repeats it, clients dedupe), and
     * which events get evaluated depends on the subscription's wall-clock cooldown, so two runs
     * need not answer the same events. What must hold in any run: every answer is about a
     * committed NOVELTY or GAP event of its stream, and an id repeated carries the same answer.
     */
    private static void assertAnswersConsistent(Run run) {
        List<EventAnswer> answers = run.output().answers();
        assertThat(answers).as(run.name() + ": standing questions were answered").isNotEmpty();
        Set<String> events = run.output().events().stream()
                .filter(e -> e.getKind() == dev.longwatch.schema.proto.EventKind.NOVELTY || e.getKind() == dev.longwatch.schema.proto.EventKind.GAP)
                .map(e -> e.getStreamId() + "@" + e.getPtsMs())
                .collect(Collectors.toSet());
        for (EventAnswer answer : answers) {
            assertThat(events).as(run.name() + ": answer " + answer.getId() + " is about a committed event")
                    .contains(answer.getStreamId() + "@" + answer.getAtMs());
        }
        answers.stream().collect(Collectors.groupingBy(EventAnswer::getId, Collectors.mapping(a -> a.toBuilder().build(), Collectors.toSet())))
                .forEach((id, versions) -> assertThat(versions).as(run.name() + ": answer " + id + " repeated alike").hasSize(1));
    }

    private static Map<String, String> answersById(Run run) {
        Map<String, String> byId = new TreeMap<>();
        run.output().answers().forEach(a -> byId.put(a.getStreamId() + a.getId().substring(a.getId().indexOf('@')), a.getAnswer()));
        return byId;
    }

    private static Set<String> repeatedAnswerIds(CommittedOutput output) {
        return output.answers().stream().collect(Collectors.groupingBy(EventAnswer::getId, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static void writeReport(Run reference, Run faulty) throws IOException {
        ObjectNode report = JSON.createObjectNode();
        report.put("streams", STREAMS).put("sampleFps", FPS).put("videoRounds", ROUNDS);
        report.put("framesPerRun", reference.totalFrames());
        for (Run run : List.of(reference, faulty)) {
            ObjectNode node = report.putObject(run.name());
            node.put("seconds", Math.round(run.seconds() * 10) / 10.0);
            node.put("events", run.output().events().size());
            node.put("eventAnswers", run.output().answers().size());
            node.put("distinctEventAnswers", run.output().answers().stream().map(EventAnswer::getId).distinct().count());
            node.put("answerIdsRepeated", run.answerIdsWithRepeats().size());
            ObjectNode encoders = node.putObject("encoders");
            run.encoders().forEach((container, m) -> encoders.putObject(container)
                    .put("frames", (long) m[0]).put("batchSeconds", Math.round(m[1] * 100) / 100.0)
                    .put("framesPerBusySecond", m[1] > 0 ? Math.round(m[0] / m[1]) : 0));
            ArrayNode kills = node.putArray("recoveries");
            for (Recovery r : run.recoveries()) {
                kills.addObject().put("killed", r.service()).put("container", r.container())
                        .put("restartedAfterSec", Math.round(r.restartSec() * 10) / 10.0)
                        .put("recoveredAfterSec", Math.round(r.recoverySec() * 10) / 10.0)
                        .put("framesInMemoryAtKill", r.framesInMemoryAtKill());
            }
        }
        Path out = Path.of(System.getProperty("longwatch.chaos-report", "target/chaos.json"));
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("chaos: report in " + out.toAbsolutePath() + "\n" + report.toPrettyString());
    }

    // --- plumbing ------------------------------------------------------------------------------

    private static void await(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + limit + " waiting until " + what + " (logs in " + work.toAbsolutePath() + ")");
            }
            Thread.sleep(500);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.longwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.local.LocalStack;
import dev.longwatch.local.LocalStackSettings;
import dev.longwatch.query.QueryService;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./longwatch bench query}: how fast the query service answers, against a model that
 * answers at once ({@link ZeroLatencyLlm}).
 *
 * <ul>
 *   <li><b>Ask latency</b>, on an embedded broker and query service of its own: the memory of 1 h and 10 h of footage ({@link SyntheticMemory}: the
 *       real bank and chapter code over generated embeddings) is published to lw.chapters,
 *       lw.memory and lw.frames (its keyframes) as the memory job would; then {@code POST
 *       /v1/streams/{id}/ask} over the whole window is timed end to end over HTTP, each with a
 *       new question (the answer cache never hits), and again with one repeated question (every
 *       ask but the first hits the cache).
 *   <li><b>Event latency</b>, on the whole embedded stack ({@link LocalStack}): a live-like camera writes frames to lw.frames at a fixed rate, each
 *       with its capture time in {@code wall_ms}, and changes scene every {@value
 *       #SCENE_SECONDS} s. The built-in encoder, the memory job (NOVELTY events, published through
 *       its exactly-once sink, so at a checkpoint), the standing question (cooldown 1 s) and the
 *       model turn each change into an EventAnswer; the latency is from the {@code wall_ms} of
 *       the frame the event names to the moment a read_committed consumer of lw.event-answers
 *       sees the answer. The checkpoint interval is a floor under it and is reported.
 * </ul>
 */
final class QueryBenchmark {
    static final int SCENE_SECONDS = 3;
    private static final Duration CATCH_UP = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param hours the windows to time asks over, in hours of footage (each its own stream)
     * @param asks timed asks per window (after {@link #WARM_UP} untimed ones), uncached and cached each
     * @param eventSeconds how long the live source runs
     * @param fps frames per second of the live source
     * @param checkpointIntervalMs the memory job's checkpoint interval (its output is visible then)
     */
    record Options(List<Double> hours, int asks, int eventSeconds, double fps, long checkpointIntervalMs, Path dataDir) {}

    /** Ask latency over one window; times in ms, HTTP round trip as a client sees it. */
    record WindowResult(
            double windowHours,
            long frames,
            int chapters,
            int asks,
            double askP50Ms,
            double askP99Ms,
            double cachedAskP50Ms,
            double cachedAskP99Ms) {}

    /**
     * The report; the top-level ask figures are those of the longest window, uncached.
     *
     * @param results one entry per window
     * @param events event answers measured
     */
    record Report(
            double askP50Ms,
            double askP99Ms,
            double windowHours,
            double eventP50Ms,
            double eventP99Ms,
            int events,
            long checkpointIntervalMs,
            double eventFps,
            List<WindowResult> results) {}

    static final int WARM_UP = 20;

    private QueryBenchmark() {}

    static Report run(Options options, Path jsonOut, PrintStream progress) throws Exception {
        Report report;
        try (ZeroLatencyLlm llm = new ZeroLatencyLlm()) {
            LlmSettings model = LlmSettings.of(llm.baseUrl(), ZeroLatencyLlm.MODEL);
            List<WindowResult> windows = new ArrayList<>();
            // Asks on a broker and query service of their own: in the whole stack, the encoder and
            // the memory job would take the published keyframes for new footage and overwrite
            // the generated memory with their own.
            try (EmbeddedKafka kafka = EmbeddedKafka.start(options.dataDir().resolve("ask-kafka"), 4)) {
                TopicAdmin.createAll(kafka.bootstrapServers(), 4, (short) 1);
                try (QueryService query =
                        new QueryService(
                                QueryServiceSettings.defaults(kafka.bootstrapServers())
                                        .withPort(0)
                                        .withStateDir(options.dataDir().resolve("ask-query-state"))
                                        .withLlm(model))) {
                    query.start();
                    await("the query service's views", query::ready);
                    Http http = new Http(URI.create("http://127.0.0.1:" + query.port()));
                    for (double hours : options.hours()) {
                        windows.add(askLatency(kafka.bootstrapServers(), http, hours, options.asks(), progress));
                    }
                }
            }
            List<Double> events;
            try (LocalStack stack =
                    LocalStack.start(
                            new LocalStackSettings(
                                    options.dataDir().resolve("stack"), null, 0, 4, SyntheticMemory.SLOTS,
                                    options.checkpointIntervalMs(), model, EncoderConfig.builtin(8), 0))) {
                events = eventLatency(stack, new Http(stack.httpBase()), options, progress);
            }
            WindowResult longest = windows.get(windows.size() - 1);
            report =
                    new Report(
                            longest.askP50Ms(),
                            longest.askP99Ms(),
                            longest.windowHours(),
                            percentile(events, 50),
                            percentile(events, 99),
                            events.size(),
                            options.checkpointIntervalMs(),
                            options.fps(),
                            windows);
            progress.printf(Locale.ROOT, "model calls: %d%n", llm.calls());
        }
        JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonOut.toFile(), report);
        return report;
    }

    private static WindowResult askLatency(String bootstrap, Http http, double hours, int asks, PrintStream progress)
            throws Exception {
        String id = "bench-" + (hours == Math.rint(hours) ? Long.toString((long) hours) : Double.toString(hours).replace('.', '_')) + "h";
        long started = System.nanoTime();
        SyntheticMemory memory = SyntheticMemory.generate(id, hours);
        progress.printf(Locale.ROOT, "%s: %d chapters, %d keyframes generated in %.1f s%n",
                id, memory.chapters().size(), memory.keyframeSeqs().size(), (System.nanoTime() - started) / 1e9);
        publish(bootstrap, id, memory);
        long frames = memory.snapshot().getFramesSeen();
        // Visible once the snapshot and every chapter are in the views: the window's slots then
        // start at 0 and add up to every frame.
        await("memory of " + id, () -> {
            JsonNode body = http.get("/v1/streams/" + id + "/memory");
            if (body == null || body.path("version").asLong() != memory.snapshot().getVersion()) {
                return false;
            }
            long sum = 0;
            for (JsonNode slot : body.path("slots")) {
                sum += slot.path("frames").asLong();
            }
            return sum == frames && body.path("slots").path(0).path("startSec").asDouble() == 0.0;
        });
        for (int i = 0; i < WARM_UP; i++) {
            http.ask(id, "warm-up question " + i);
        }
        List<Double> uncached = new ArrayList<>();
        for (int i = 0; i < asks; i++) {
            uncached.add(http.timedAsk(id, "What happens in the footage, " + i + "?"));
        }
        List<Double> cached = new ArrayList<>();
        for (int i = 0; i < asks; i++) {
            cached.add(http.timedAsk(id, "What happens in the footage?"));
        }
        WindowResult result =
                new WindowResult(hours, frames, memory.chapters().size(), asks,
                        percentile(uncached, 50), percentile(uncached, 99),
                        percentile(cached, 50), percentile(cached, 99));
        progress.printf(Locale.ROOT, "%s: ask p50 %.1f ms, p99 %.1f ms (cached: p50 %.1f ms, p99 %.1f ms)%n",
                id, result.askP50Ms(), result.askP99Ms(), result.cachedAskP50Ms(), result.cachedAskP99Ms());
        return result;
    }

    /** The memory job's records for {@code memory}, plus its keyframes as ingest would write them. */
    private static void publish(String bootstrap, String id, SyntheticMemory memory) throws Exception {
        try (KafkaProducer<String, StreamSpec> specs = producer(bootstrap, Topics.STREAMS);
                KafkaProducer<String, Frame> frames = producer(bootstrap, Topics.FRAMES);
                KafkaProducer<String, Chapter> chapters = producer(bootstrap, Topics.CHAPTERS);
                KafkaProducer<String, MemorySnapshot> snapshots = producer(bootstrap, Topics.MEMORY)) {
            specs.send(new ProducerRecord<>(Topics.STREAMS.name(), id, disabledSpec(id))).get();
            for (long seq : memory.keyframeSeqs()) {
                frames.send(new ProducerRecord<>(Topics.FRAMES.name(), id, frame(id, seq, seq * 1000, System.currentTimeMillis(), seq / 7)));
            }
            frames.flush();
            for (Chapter chapter : memory.chapters()) {
                chapters.send(new ProducerRecord<>(Topics.CHAPTERS.name(), StreamIds.chapterKey(id, chapter.getIndex()), chapter));
            }
            chapters.flush();
            snapshots.send(new ProducerRecord<>(Topics.MEMORY.name(), id, memory.snapshot())).get();
        }
    }

    private static List<Double> eventLatency(LocalStack stack, Http http, Options options, PrintStream progress)
            throws Exception {
        String id = "bench-live";
        String bootstrap = stack.bootstrapServers();
        try (KafkaProducer<String, StreamSpec> specs = producer(bootstrap, Topics.STREAMS)) {
            specs.send(new ProducerRecord<>(Topics.STREAMS.name(), id, disabledSpec(id))).get();
        }
        await("stream " + id, () -> http.get("/v1/streams/" + id) != null);
        http.post("/v1/subscriptions", Map.of("streamId", id, "question", "Did the scene change?", "cooldownSec", 1));
        Map<Long, Long> wallByPts = new ConcurrentHashMap<>();
        List<Double> latencies = new ArrayList<>();
        try (KafkaConsumer<String, EventAnswer> answers = answerConsumer(bootstrap)) {
            Thread camera = new Thread(() -> camera(bootstrap, id, options, wallByPts), "bench-camera");
            camera.start();
            Set<String> seen = new HashSet<>();
            long end = System.currentTimeMillis() + options.eventSeconds() * 1000L + 10_000;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, EventAnswer> record : answers.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    EventAnswer answer = record.value();
                    if (!id.equals(answer.getStreamId()) || !seen.add(answer.getId())) {
                        continue;
                    }
                    long pts = Long.parseLong(answer.getId().substring(answer.getId().lastIndexOf('@') + 1));
                    Long wall = wallByPts.get(pts);
                    if (wall != null) {
                        latencies.add((double) (now - wall));
                    }
                }
            }
            camera.join();
        }
        progress.printf(Locale.ROOT, "events: %d answers, p50 %.0f ms, p99 %.0f ms (checkpoint interval %d ms)%n",
                latencies.size(), percentile(latencies, 50), percentile(latencies, 99), options.checkpointIntervalMs());
        return latencies;
    }

    /** A live camera: frames at {@code fps}, stamped with their capture time, a new scene every few seconds. */
    private static void camera(String bootstrap, String id, Options options, Map<Long, Long> wallByPts) {
        long periodNanos = Math.round(1e9 / options.fps());
        long frames = Math.round(options.eventSeconds() * options.fps());
        long start = System.nanoTime();
        try (KafkaProducer<String, Frame> producer = producer(bootstrap, Topics.FRAMES)) {
            for (long seq = 0; seq < frames; seq++) {
                long due = start + seq * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long pts = Math.round(seq * 1000 / options.fps());
                long wall = System.currentTimeMillis();
                wallByPts.put(pts, wall);
                long scene = (long) (seq / (options.fps() * SCENE_SECONDS));
                producer.send(new ProducerRecord<>(Topics.FRAMES.name(), id, frame(id, seq, pts, wall, scene)));
                producer.flush(); // a camera sends each frame as it is captured
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static StreamSpec disabledSpec(String id) {
        // Registered so the API knows the stream, disabled so ingest leaves it alone: the
        // benchmark writes its frames itself.
        return StreamSpec.newBuilder().setId(id).setUri("bench://" + id).setSampleFps(1).setEnabled(false)
                .setCreatedMs(System.currentTimeMillis()).build();
    }

    private static Frame frame(String id, long seq, long ptsMs, long wallMs, long scene) {
        return Frame.newBuilder().setStreamId(id).setSeq(seq).setPtsMs(ptsMs).setWallMs(wallMs)
                .setWidth(160).setHeight(120).setJpeg(ByteString.copyFrom(sceneJpeg(scene))).build();
    }

    /** A 160×120 JPEG of 4×4 random colour blocks, the same for every frame of one scene. */
    private static byte[] sceneJpeg(long scene) {
        SplittableRandom random = new SplittableRandom(scene * 7919 + 1);
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                g.fillRect(x * 40, y * 30, 40, 30);
            }
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static KafkaConsumer<String, EventAnswer> answerConsumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, EventAnswer> consumer =
                new KafkaConsumer<>(props, Topics.EVENT_ANSWERS.keySerde().deserializer(), Topics.EVENT_ANSWERS.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.EVENT_ANSWERS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before the camera starts
        return consumer;
    }

    private static <V> KafkaProducer<String, V> producer(String bootstrap, Topic<String, V> topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Nearest-rank percentile; NaN for no samples. */
    static double percentile(List<Double> samples, double p) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = samples.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark: timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The few calls the benchmark makes; JSON bodies, 2xx or an exception that says what failed. */
    private static final class Http {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI base;

        Http(URI base) {
            this.base = base;
        }

        /** The JSON body, or null on 404 and 503 (not there yet). */
        JsonNode get(String path) throws Exception {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404 || response.statusCode() == 503) {
                return null;
            }
            return checked(path, response);
        }

        JsonNode post(String path, Object body) throws Exception {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return checked(path, response);
        }

        JsonNode ask(String id, String question) throws Exception {
            JsonNode answer = post("/v1/streams/" + id + "/ask", Map.of("question", question));
            if (answer.path("llm").isNull() || answer.path("evidence").isEmpty()) {
                throw new IllegalStateException("ask did not go through the model: " + answer);
            }
            return answer;
        }

        /** Milliseconds for one ask, request sent to answer read. */
        double timedAsk(String id, String question) throws Exception {
            long start = System.nanoTime();
            ask(id, question);
            return (System.nanoTime() - start) / 1e6;
        }

        private static JsonNode checked(String path, HttpResponse<String> response) throws IOException {
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        }
    }
}

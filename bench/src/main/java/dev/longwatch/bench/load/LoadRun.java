package dev.longwatch.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.config.LlmSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One load run: cameras, the target, the observers and the clients, in that order, then the
 * measured time, then a drain and the integrity check. The phases:
 *
 * <ol>
 *   <li>setup: the looped clips, the RTSP camera server, the local model, the target (the
 *       embedded stack starts here), the topic watch from the topics' current ends, the streams
 *       registered over HTTP at 1 fps and the subscriptions;
 *   <li>warm-up (not measured): until every camera has a frame in its committed memory;
 *   <li>measured time: askers, subscribers, a sampler once a second, and with {@code --chaos}
 *       the encoder stopped at a third and the query service at two thirds of it;
 *   <li>drain: the cameras stop, and the memories catch up with lw.frames; then every frame is
 *       checked to be embedded and counted exactly once.
 * </ol>
 */
public final class LoadRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WARM_UP = Duration.ofMinutes(3);
    private static final Duration DRAIN = Duration.ofMinutes(3);

    /** One sampler reading; lags are indexed like the streams. */
    private record Sample(double tSec, double[] lagSec, long frames, long embeddings, long memory, long heap, long rss,
            Map<String, Double> cpuSeconds) {
        double maxLag() {
            double max = 0;
            for (double lag : lagSec) {
                max = Math.max(max, lag);
            }
            return max;
        }
    }

    private final LoadOptions options;
    private final PrintStream progress;
    private final List<Sample> samples = new ArrayList<>();
    private final ConcurrentLinkedQueue<Double> checkpointMs = new ConcurrentLinkedQueue<>();
    private final List<LoadReport.Fault> faults = new ArrayList<>();
    private final Outcomes outcomes = new Outcomes();
    private volatile long startNanos;

    private LoadRun(LoadOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs once and returns the report (the caller writes it). */
    public static LoadReport run(LoadOptions options, PrintStream progress) throws Exception {
        return new LoadRun(options, progress).execute();
    }

    private double runSecond() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private LoadReport execute() throws Exception {
        List<Path> clips = LoopedClips.sharedClips(options.videoDir());
        // Outlast the warm-up, the run and the drain's first minutes.
        List<Path> looped = LoopedClips.loop(clips, options.duration().plus(Duration.ofMinutes(6)), options.clipCache());
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < options.cameras(); i++) {
            streams.add("load-" + runId + "-cam-" + i);
        }
        progress.printf(Locale.ROOT, "bench load: %d cameras, %d askers, %d subscriptions, %d s, %s%n",
                options.cameras(), options.askers(), options.subscriptions(), options.duration().toSeconds(),
                options.server() == null ? "embedded stack, encoder " + options.encoder().backend().name().toLowerCase(Locale.ROOT)
                        : "server " + options.server());
        try (RtspCameras cameras = RtspCameras.start(looped, options.cameras(), options.listen());
                Closeable llm = startLlm();
                LoadTarget target = startTarget(llm.value(), cameras.pid());
                TopicWatch watch = new TopicWatch(target.bootstrapServers(), new LinkedHashSet<>(streams))) {
            Subscribers subscribers = new Subscribers(target.api(), watch, outcomes, this::runSecond);
            Askers askers = new Askers(target.api(), streams, watch, outcomes, this::runSecond, options.thinkTime().toMillis());
            registerStreams(target, streams, cameras);
            subscribers.start(options.subscriptions(), streams, options.cooldownSec());
            warmUp(target, watch, streams);
            startNanos = System.nanoTime();
            long sinceMs = System.currentTimeMillis();
            sample(target, watch, streams, sinceMs); // t = 0: the rates' starting point
            askers.start(options.askers(), options.seed());
            Thread chaos = options.chaos() ? chaosThread(target, watch, askers, subscribers) : null;
            long endNanos = startNanos + options.duration().toNanos();
            long nextProgress = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < endNanos) {
                Thread.sleep(Math.max(1, 1000 - (System.nanoTime() - startNanos) / 1_000_000 % 1000));
                sample(target, watch, streams, sinceMs);
                watch.check();
                Optional<String> fault = outcomes.faultInProgress() ? Optional.empty() : target.fault();
                if (fault.isPresent()) {
                    throw new IllegalStateException("bench load: " + fault.get());
                }
                if (System.nanoTime() > nextProgress) {
                    nextProgress += 30_000_000_000L;
                    Sample last = lastSample();
                    progress.printf(Locale.ROOT, "  %4.0f s: max lag %.1f s, %d asks answered, %d event answers, %d errors%n",
                            last.tSec(), last.maxLag(), askers.total.count(), subscribers.events.count(), outcomes.errorCount());
                }
            }
            if (chaos != null) {
                chaos.join(Duration.ofMinutes(3).toMillis());
            }
            askers.close();
            subscribers.close();
            Map<String, Double> lagAtEnd = new LinkedHashMap<>();
            double[] lastLags = lastSample().lagSec();
            for (int i = 0; i < streams.size(); i++) {
                lagAtEnd.put(RtspCameras.mount(i), round(lastLags[i], 2));
            }
            progress.println("bench load: measured; stopping the cameras and waiting for the memory to catch up");
            cameras.close();
            drain(watch);
            LoadReport.Integrity integrity = watch.integrity();
            if (!integrity.ok()) {
                outcomes.failure("integrity", integrity.toString());
            }
            if (options.server() != null) {
                subscribers.delete();
                deleteStreams(target, streams);
            }
            return report(streams, lagAtEnd, askers, subscribers, watch, integrity, clips, llm.value());
        }
    }

    /** The local model (absent in evidence-only mode) as a closeable holder. */
    private record Closeable(DelayedLlm value) implements AutoCloseable {
        @Override
        public void close() {
            if (value != null) {
                value.close();
            }
        }
    }

    private Closeable startLlm() {
        if (options.llmDelay() == null) {
            return new Closeable(null);
        }
        return new Closeable(new DelayedLlm(new InetSocketAddress(options.listen(), 0), options.llmDelay()));
    }

    private LoadTarget startTarget(DelayedLlm llm, long cameraPid) throws Exception {
        if (options.server() != null) {
            if (llm != null) {
                progress.println("bench load: the local model answers at " + llm.baseUrl()
                        + " (the deployment's query service must have LONGWATCH_LLM_URL set to it)");
            }
            return new ServerTarget(options.server(), options.kafka(), options.flink(), options.docker(), cameraPid);
        }
        LlmSettings model = llm == null
                ? LlmSettings.none()
                // As many model slots as clients: the model's concurrency is not under test.
                : LlmSettings.of(llm.baseUrl(), DelayedLlm.MODEL).withMaxConcurrent(options.askers() + options.subscriptions() + 4);
        return EmbeddedTarget.start(options.dataDir().resolve("stack"), options.encoder(), model, options.cameras(), options.listen(),
                options.checkpointIntervalMs(), cameraPid);
    }

    private void registerStreams(LoadTarget target, List<String> streams, RtspCameras cameras) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < streams.size(); i++) {
            String body = JSON.createObjectNode().put("id", streams.get(i)).put("uri", cameras.uri(i)).put("sampleFps", 1.0).toString();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(target.api().resolve("/v1/streams"))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            outcomes.request("register");
            if (response.statusCode() != 201) {
                throw new IllegalStateException("the server refused camera " + i + " (HTTP " + response.statusCode() + "): " + response.body());
            }
        }
    }

    private void deleteStreams(LoadTarget target, List<String> streams) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (String stream : streams) {
            try {
                http.send(HttpRequest.newBuilder(target.api().resolve("/v1/streams/" + stream)).DELETE().timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                progress.println("bench load: could not delete " + stream + ": " + e.getMessage());
            }
        }
    }

    /** Until every camera has a frame in its committed memory; fails after {@link #WARM_UP}. */
    private void warmUp(LoadTarget target, TopicWatch watch, List<String> streams) throws InterruptedException {
        long deadline = System.nanoTime() + WARM_UP.toNanos();
        while (!streams.stream().allMatch(s -> hasMemory(watch, s))) {
            watch.check();
            Optional<String> fault = target.fault();
            if (fault.isPresent()) {
                throw new IllegalStateException("bench load: " + fault.get());
            }
            if (System.nanoTime() > deadline) {
                long ready = streams.stream().filter(s -> hasMemory(watch, s)).count();
                throw new IllegalStateException("bench load: only " + ready + " of " + streams.size()
                        + " cameras reached the memory within " + WARM_UP.toMinutes() + " min; the streams' states: " + states(target));
            }
            Thread.sleep(200);
        }
    }

    /** {@code id=STATE} of every stream, from the API (for a warm-up that failed). */
    private static String states(LoadTarget target) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(target.api().resolve("/v1/streams")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            StringBuilder out = new StringBuilder();
            for (var stream : JSON.readTree(response.body()).path("streams")) {
                out.append(stream.path("id").asText()).append('=').append(stream.path("state").asText()).append(' ');
            }
            return out.toString().strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static boolean hasMemory(TopicWatch watch, String stream) {
        return watch.coverageSec(stream) > 0;
    }

    private void sample(LoadTarget target, TopicWatch watch, List<String> streams, long sinceMs) throws Exception {
        long now = System.currentTimeMillis();
        double[] lags = new double[streams.size()];
        for (int i = 0; i < lags.length; i++) {
            lags[i] = watch.lagSec(streams.get(i), now, sinceMs);
        }
        ResourceSource.Reading resources = target.resources().read();
        try {
            checkpointMs.addAll(target.checkpoints().completedSinceLastCall());
        } catch (IOException e) {
            // the job's metrics are briefly unreachable (e.g. during a restart): the next reading catches up
        }
        Sample sample = new Sample(runSecond(), lags, watch.framesTotal(), watch.embeddingsTotal(), watch.memoryFramesTotal(),
                resources.heapUsedBytes(), resources.rssBytes(), resources.cpuSeconds());
        synchronized (samples) {
            samples.add(sample);
        }
    }

    private Thread chaosThread(LoadTarget target, TopicWatch watch, Askers askers, Subscribers subscribers) {
        Thread thread = new Thread(() -> {
            try {
                double third = options.duration().toSeconds() / 3.0;
                sleepUntil(third);
                faults.add(restartEncoder(target, watch));
                sleepUntil(2 * third);
                faults.add(restartQuery(target, askers, subscribers));
            } catch (Exception e) {
                outcomes.failure("chaos", String.valueOf(e));
                progress.println("bench load: chaos failed: " + e);
            }
        }, "load-chaos");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void sleepUntil(double runSec) throws InterruptedException {
        long wait = (long) ((runSec - runSecond()) * 1000);
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private Sample lastSample() {
        synchronized (samples) {
            return samples.get(samples.size() - 1);
        }
    }

    private double maxLagNow() {
        synchronized (samples) {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).maxLag();
        }
    }

    private double medianMaxLag(double fromSec, double toSec) {
        List<Double> lags = new ArrayList<>();
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.tSec() >= fromSec && s.tSec() < toSec) {
                    lags.add(s.maxLag());
                }
            }
        }
        return lags.isEmpty() ? maxLagNow() : Latencies.percentile(lags, 50);
    }

    /**
     * Stops the encoder worker, keeps it down for {@code --chaos-down}, starts it again. Gap: the
     * longest stretch with no committed embedding that ends after the stop. Recovery: from the
     * start command until the largest lag is back within 2 s of its median over the 30 s before.
     */
    private LoadReport.Fault restartEncoder(LoadTarget target, TopicWatch watch) throws Exception {
        double stoppedAt = runSecond();
        double baseline = medianMaxLag(stoppedAt - 30, stoppedAt);
        progress.printf(Locale.ROOT, "  chaos: stopping the encoder at %.0f s (largest lag before: %.1f s)%n", stoppedAt, baseline);
        long stopMs = System.currentTimeMillis();
        target.stop(LoadTarget.Service.ENCODER);
        Thread.sleep(options.chaosDown().toMillis());
        double down = runSecond() - stoppedAt;
        long startCommand = System.nanoTime();
        target.start(LoadTarget.Service.ENCODER);
        double startedAt = runSecond();
        double recovery = -1;
        long deadline = startCommand + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            // A sample taken after the start, not one left from the outage.
            if (lastSample().tSec() > startedAt && maxLagNow() <= baseline + 2) {
                recovery = (System.nanoTime() - startCommand) / 1e9;
                break;
            }
        }
        double gap = 0;
        for (TopicWatch.Gap g : watch.embeddingGaps()) {
            if (g.toMs() >= stopMs) {
                gap = Math.max(gap, (g.toMs() - g.fromMs()) / 1000.0);
            }
        }
        progress.printf(Locale.ROOT, "  chaos: encoder back; output gap %.1f s, recovered %.1f s after the start%n", gap, recovery);
        return new LoadReport.Fault("encoder", round(stoppedAt, 1), round(down, 1), round(gap, 1), round(recovery, 1));
    }

    /**
     * Stops the query service, keeps it down for {@code --chaos-down}, starts it again; clients'
     * failures meanwhile (and for 5 s after: requests in flight, SSE clients' one-second
     * reconnection wait) are the fault's, not errors. Gap: from the last ask answered before the
     * stop to the first after. Recovery: from the start command until an ask is answered and every
     * event stream is open again.
     */
    private LoadReport.Fault restartQuery(LoadTarget target, Askers askers, Subscribers subscribers) throws Exception {
        double stoppedAt = runSecond();
        progress.printf(Locale.ROOT, "  chaos: stopping the query service at %.0f s%n", stoppedAt);
        outcomes.faultStarted();
        long stopNanos = System.nanoTime();
        long lastBefore;
        double down;
        long startCommand;
        try {
            target.stop(LoadTarget.Service.QUERY);
            lastBefore = askers.lastAnsweredNanos();
            Thread.sleep(options.chaosDown().toMillis());
            down = runSecond() - stoppedAt;
            startCommand = System.nanoTime();
            target.start(LoadTarget.Service.QUERY);
        } finally {
            outcomes.faultEnded(5);
        }
        double recovery = -1;
        long firstAfter = -1;
        long deadline = startCommand + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            long answered = askers.lastAnsweredNanos();
            if (firstAfter < 0 && answered > startCommand) {
                firstAfter = answered;
            }
            if ((firstAfter > 0 || options.askers() == 0) && subscribers.connected() == subscribers.subscriptions()) {
                recovery = (System.nanoTime() - startCommand) / 1e9;
                break;
            }
            Thread.sleep(50);
        }
        double gap = firstAfter > 0 ? (firstAfter - Math.min(lastBefore, stopNanos)) / 1e9 : -1;
        progress.printf(Locale.ROOT, "  chaos: query service back; asks unanswered for %.1f s, recovered %.1f s after the start%n", gap, recovery);
        return new LoadReport.Fault("query", round(stoppedAt, 1), round(down, 1), round(gap, 1), round(recovery, 1));
    }

    /** Until every memory holds every frame seen on lw.frames (the cameras have stopped). */
    private void drain(TopicWatch watch) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        // Ingest may still be sending its last frames: wait for lw.frames to be quiet too.
        long frames = -1;
        while (System.nanoTime() < deadline) {
            long now = watch.framesTotal();
            if (now == frames && watch.memoryCaughtUp()) {
                return;
            }
            frames = now;
            Thread.sleep(2000);
        }
        progress.println("bench load: the memory did not catch up with lw.frames within " + DRAIN.toMinutes() + " min");
    }

    private LoadReport report(List<String> streams, Map<String, Double> lagAtEnd, Askers askers, Subscribers subscribers,
            TopicWatch watch, LoadReport.Integrity integrity, List<Path> clips, DelayedLlm llm) {
        List<Sample> all;
        synchronized (samples) {
            all = List.copyOf(samples);
        }
        double duration = all.get(all.size() - 1).tSec();
        double half = duration / 2;
        List<Double> t = new ArrayList<>();
        List<Double> maxLag = new ArrayList<>();
        for (Sample s : all) {
            if (s.tSec() >= half) {
                t.add(s.tSec());
                maxLag.add(s.maxLag());
            }
        }
        double slope = LagRule.slopePerMinute(t, maxLag);
        double maxLagAtEnd = all.get(all.size() - 1).maxLag();
        Sample mid = all.stream().filter(s -> s.tSec() >= half).findFirst().orElse(all.get(0));
        Sample last = all.get(all.size() - 1);
        double span = Math.max(1e-9, last.tSec() - mid.tSec());
        LoadReport.Throughput fps = new LoadReport.Throughput(
                round((last.frames() - mid.frames()) / span, 2),
                round((last.embeddings() - mid.embeddings()) / span, 2),
                round((last.memory() - mid.memory()) / span, 2),
                streams.size() * 1.0);
        Map<String, Double> cores = new LinkedHashMap<>();
        double totalCores = 0;
        for (Map.Entry<String, Double> e : last.cpuSeconds().entrySet()) {
            double used = (e.getValue() - mid.cpuSeconds().getOrDefault(e.getKey(), 0.0)) / span;
            cores.put(e.getKey(), round(used, 3));
            if (!e.getKey().equals("cameras")) {
                totalCores += used;
            }
        }
        long heapMax = all.stream().mapToLong(Sample::heap).max().orElse(-1);
        long rssMax = all.stream().mapToLong(Sample::rss).max().orElse(-1);
        List<Double> checkpoints = List.copyOf(checkpointMs);
        LoadReport.Asks asks = new LoadReport.Asks(
                askers.total.count(),
                round(askers.withoutModel.percentile(50), 1), round(askers.withoutModel.percentile(95), 1), round(askers.withoutModel.percentile(99), 1),
                round(askers.model.percentile(50), 1), round(askers.model.percentile(99), 1),
                round(askers.total.percentile(50), 1), round(askers.total.percentile(99), 1));
        LoadReport.Events events = new LoadReport.Events(
                subscribers.events.count(), subscribers.unmatched(),
                round(subscribers.events.percentile(50), 0), round(subscribers.events.percentile(95), 0), round(subscribers.events.percentile(99), 0));
        LoadReport.Setup setup = new LoadReport.Setup(
                options.server() == null ? "embedded" : options.server().toString(),
                options.server() == null ? options.encoder().backend().name().toLowerCase(Locale.ROOT)
                        + (options.encoder().model() == null ? "" : " " + options.encoder().model().getFileName()) : "deployment's",
                options.askers(), options.subscriptions(),
                llm == null ? -1 : llm.delay().toMillis(), options.thinkTime().toMillis(), options.cooldownSec(),
                options.checkpointIntervalMs(), Runtime.getRuntime().availableProcessors(),
                clips.stream().map(p -> p.getFileName().toString()).toList());
        return new LoadReport(
                streams.size(), round(duration, 1), outcomes.errorCount(),
                asks.p50Ms(), asks.p95Ms(), asks.p99Ms(), events.p50Ms(), events.p99Ms(),
                round(maxLagAtEnd, 2), round(slope, 3), LagRule.holds(slope, maxLagAtEnd),
                setup,
                new LoadReport.Requests(outcomes.requests(), outcomes.errors(), outcomes.duringFaults(), outcomes.firstError()),
                asks, events, lagAtEnd, fps,
                new LoadReport.Checkpoints(checkpoints.size(), round(Latencies.percentile(checkpoints, 50), 0),
                        round(Latencies.percentile(checkpoints, 99), 0),
                        checkpoints.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)),
                new LoadReport.Resources(heapMax, rssMax, cores, round(totalCores, 3)),
                watch.deadLetters(),
                options.chaos() ? List.copyOf(faults) : null,
                integrity,
                timeline(all, streams.size(), askers, subscribers));
    }

    /** The per-second samples in steps of about a 120th of the run (at least 1 s). */
    private static LoadReport.Timeline timeline(List<Sample> all, int cameras, Askers askers, Subscribers subscribers) {
        double duration = all.get(all.size() - 1).tSec();
        double step = Math.max(1, Math.round(duration / 120));
        List<Double> t = new ArrayList<>();
        Map<String, List<Double>> lag = new LinkedHashMap<>();
        for (int i = 0; i < cameras; i++) {
            lag.put(RtspCameras.mount(i), new ArrayList<>());
        }
        Map<String, List<Double>> ask = new LinkedHashMap<>();
        Map<String, List<Double>> event = new LinkedHashMap<>();
        for (String p : List.of("p50", "p95", "p99")) {
            ask.put(p, new ArrayList<>());
            event.put(p, new ArrayList<>());
        }
        Map<String, List<Double>> fps = new LinkedHashMap<>();
        for (String stage : List.of("ingest", "encoder", "memory")) {
            fps.put(stage, new ArrayList<>());
        }
        List<Double> heap = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        Sample previous = all.get(0);
        double next = previous.tSec() + step;
        for (Sample s : all.subList(1, all.size())) {
            if (s.tSec() + 1e-6 < next && s != all.get(all.size() - 1)) {
                continue;
            }
            double from = previous.tSec();
            t.add(round(s.tSec(), 1));
            for (int i = 0; i < cameras; i++) {
                lag.get(RtspCameras.mount(i)).add(round(s.lagSec()[i], 2));
            }
            // Percentiles over a trailing window of at least 10 s: events are sparse.
            double window = Math.max(10, step);
            List<Double> asks = askers.withoutModel.values(s.tSec() - window, s.tSec());
            List<Double> events = subscribers.events.values(s.tSec() - window, s.tSec());
            for (String p : List.of("p50", "p95", "p99")) {
                double percentile = Double.parseDouble(p.substring(1));
                ask.get(p).add(round(Latencies.percentile(asks, percentile), 1));
                event.get(p).add(round(Latencies.percentile(events, percentile), 0));
            }
            double dt = Math.max(1e-9, s.tSec() - from);
            fps.get("ingest").add(round((s.frames() - previous.frames()) / dt, 2));
            fps.get("encoder").add(round((s.embeddings() - previous.embeddings()) / dt, 2));
            fps.get("memory").add(round((s.memory() - previous.memory()) / dt, 2));
            heap.add(s.heap() < 0 ? null : round(s.heap() / 1048576.0, 1));
            rss.add(round(s.rss() / 1048576.0, 1));
            previous = s;
            next = s.tSec() + step;
        }
        return new LoadReport.Timeline(step, t, lag, ask, event, fps, heap, rss);
    }

    static double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}

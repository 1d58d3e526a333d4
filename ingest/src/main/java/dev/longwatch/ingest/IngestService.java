package dev.longwatch.ingest;

import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.ingest.config.SourceSafety;
import dev.longwatch.ingest.egress.Egress;
import dev.longwatch.ingest.kafka.ControlRecords;
import dev.longwatch.ingest.kafka.DeadLetterWriter;
import dev.longwatch.ingest.source.MediaRoots;
import dev.longwatch.ingest.source.SourceLocation;
import dev.longwatch.net.OutboundRules;
import dev.longwatch.net.OwnPorts;
import dev.longwatch.schema.DeadLetters;
import dev.longwatch.ingest.image.JpegEncoder;
import dev.longwatch.ingest.kafka.ControlPlane;
import dev.longwatch.ingest.kafka.EventPublisher;
import dev.longwatch.ingest.kafka.FrameLog;
import dev.longwatch.ingest.kafka.FrameProducer;
import dev.longwatch.ingest.kafka.ProducerConfigs;
import dev.longwatch.ingest.kafka.StatusPublisher;
import dev.longwatch.ingest.kafka.StatusReader;
import dev.longwatch.ingest.source.FfmpegFrameSource;
import dev.longwatch.ingest.source.FrameSourceFactory;
import dev.longwatch.ingest.source.SourceOptions;
import dev.longwatch.ingest.source.Uris;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: follows the control plane {@code lw.streams} and runs one worker per enabled
 * stream (open source, sample, JPEG, produce to {@code lw.frames}, report on
 * {@code lw.stream-status}). One stream failing never disturbs the others.
 *
 * <p>Several instances share the streams through a Kafka consumer group on {@code lw.streams}
 * (group {@code IngestSettings.groupId}): an instance ingests exactly the streams keyed to the
 * partitions it is assigned. On assignment it reads those partitions from the beginning (offsets
 * are never committed: the compacted topic is the registry) and acts on the latest spec per
 * stream only, so a deleted and re-created stream is not replayed twice; it first re-reads
 * {@code lw.stream-status}, so a stream that moves here resumes after the last seq its previous
 * owner acknowledged. On revocation it stops those streams (STOPPED, flushed) before giving the
 * partitions up, so two instances never ingest one stream at once while both are healthy; when
 * an instance dies, its partitions move after the group's session timeout. COMPLETED and FAILED
 * streams are left alone.
 *
 * <p>Threads: local files run on {@code maxConcurrentStreams} file workers, network sources on
 * {@code maxNetworkStreams} network workers, so a file never waits behind cameras. A live source
 * that lost its connection waits out its backoff on a timer, not on a worker: dozens of dead
 * cameras cost a worker only while each one is trying to connect (at most the stall timeout).
 *
 * <p>A record on {@code lw.streams} that is not a control record (unparseable, oversized, a key
 * that is not a stream id) goes to {@code lw.dlq} with the reason and its coordinates, and the
 * loop goes on. Offsets are never committed, so a poison record still on the topic is
 * dead-lettered again at each assignment of its partition.
 *
 * <p>Lifecycle: construct, {@link #start()} (blocks until the control plane is read), {@link
 * #close()}. {@link #ingest} runs one source synchronously without the control plane.
 */
public final class IngestService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final IngestSettings settings;
    private final StreamRun.Deps deps;
    private final IngestMetrics metrics;
    private final FrameLog frameLog;
    private final DeadLetterWriter deadLetters;
    // Workers: one pool for local files, one for network sources (class comment), and the timer
    // that hands a waiting live source back to its pool after the backoff.
    private final ExecutorService fileWorkers;
    private final ExecutorService networkWorkers;
    private final ScheduledExecutorService timer;
    private final Map<String, Worker> active = new ConcurrentHashMap<>();
    // Specs that arrived while the previous worker of the same stream was still stopping.
    private final Map<String, Deferred> deferred = new HashMap<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile boolean running;
    private volatile Throwable controlFailure;
    private Thread controlThread;
    private Consumer<byte[], byte[]> consumer;

    // Partitions assigned but not yet read to the end offset they had at assignment; their latest
    // spec per stream waits here and is applied in one go once caught up.
    private final Map<TopicPartition, Long> catchUpEnd = new HashMap<>();
    // A null spec in there is a tombstone.
    private final Map<TopicPartition, Map<String, StreamSpec>> catchUp = new HashMap<>();
    private volatile boolean assignedOnce;
    // catchUp is the control thread's; /readyz reads this copy of "is any partition still behind".
    private volatile boolean catchingUp = true;

    private record Deferred(StreamSpec spec, TopicPartition partition) {}

    private record Worker(StreamSpec spec, TopicPartition partition, StopSignal stop, CompletableFuture<Void> future) {}

    /** A service on real Kafka, with the system clock and FFmpeg sources. */
    public IngestService(IngestSettings settings, MeterRegistry registry) {
        this(settings, registry, new OwnPorts());
    }

    /**
     * @param ownPorts the ports this process listens on, which sources may never reach; the
     *     service adds its egress sessions' ports while they are open
     */
    public IngestService(IngestSettings settings, MeterRegistry registry, OwnPorts ownPorts) {
        this(settings, registry, Clock.systemUTC(), ownPorts);
    }

    public IngestService(IngestSettings settings, MeterRegistry registry, Clock clock, OwnPorts ownPorts) {
        this(
                settings,
                registry,
                clock,
                sources(settings, ownPorts),
                new FrameProducer(
                        settings.kafkaConnection(),
                        settings.instanceId() + "-frames",
                        settings.instanceId()),
                new StatusPublisher(settings.kafkaConnection(), settings.instanceId() + "-status"),
                new EventPublisher(settings.kafkaConnection(), settings.instanceId() + "-events"),
                new FrameLog(
                        settings.kafkaConnection(),
                        settings.instanceId() + "-frame-log",
                        settings.startTimeout()),
                new DeadLetterWriter(settings.kafkaConnection(), settings.instanceId() + "-dlq", clock));
    }

    /** FFmpeg sources under the settings' media roots, outbound rules and pixel limit. */
    public static FrameSourceFactory sources(IngestSettings settings, OwnPorts ownPorts) {
        SourceSafety safety = settings.safety();
        OutboundRules rules = OutboundRules.of(safety.allowNetworks(), safety.denyNetworks(), ownPorts);
        MediaRoots roots = MediaRoots.of(safety.mediaRoots());
        log.info("ingest sources: local files from {}; {}; pictures up to {} pixels", roots, rules, safety.maxPixels());
        return FfmpegFrameSource.factory(
                roots,
                new Egress(rules, settings.networkTimeout()),
                new SourceOptions(
                        settings.networkTimeout(),
                        settings.reconnect().stallTimeout(),
                        settings.rtspTransport(),
                        false,
                        safety.maxPixels()));
    }

    /** Full injection: tests pass fake sources and mock producers. */
    public IngestService(
            IngestSettings settings,
            MeterRegistry registry,
            Clock clock,
            FrameSourceFactory sources,
            FrameProducer frames,
            StatusPublisher statuses,
            EventPublisher events,
            FrameLog frameLog,
            DeadLetterWriter deadLetters) {
        this.settings = settings;
        this.frameLog = frameLog;
        this.deadLetters = deadLetters;
        this.metrics = new IngestMetrics(registry, clock);
        this.deps =
                new StreamRun.Deps(
                        sources,
                        new JpegEncoder(settings.jpegMaxWidth(), settings.jpegQuality()),
                        frames,
                        statuses,
                        events,
                        metrics,
                        clock,
                        settings.instanceId(),
                        settings.statusInterval(),
                        settings.reconnect(),
                        settings.maxUnfinishedAttempts());
        this.fileWorkers = pool(settings.maxConcurrentStreams(), "lw-ingest-file-");
        this.networkWorkers = pool(settings.maxNetworkStreams(), "lw-ingest-net-");
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "lw-ingest-reconnect-timer");
                            t.setDaemon(true);
                            return t;
                        });
    }

    private static ExecutorService pool(int threads, String prefix) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(
                threads,
                r -> {
                    Thread t = new Thread(r, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Reads previous statuses, then starts following {@code lw.streams}. Blocks until the topic has
     * been read to its end as of the call and the streams found there are launched.
     *
     * @throws IllegalStateException when that takes longer than the start timeout (for example
     *     because {@code lw.streams} does not exist) or the control loop dies
     */
    public void start() {
        if (controlThread != null) {
            throw new IllegalStateException("already started");
        }
        deps.statuses()
                .seed(
                        StatusReader.readAll(
                                settings.kafkaConnection(),
                                settings.instanceId() + "-status-reader",
                                settings.startTimeout()));
        consumer = createConsumer();
        if (ControlPlane.partitionsOf(consumer, Topics.STREAMS.name(), settings.startTimeout())
                .isEmpty()) {
            consumer.close();
            throw new IllegalStateException(
                    Topics.STREAMS.name()
                            + " does not exist at "
                            + settings.bootstrapServers()
                            + " (create the topics first)");
        }
        consumer.subscribe(List.of(Topics.STREAMS.name()), new Rebalance());
        running = true;
        controlThread = new Thread(this::controlLoop, "lw-ingest-control");
        controlThread.setDaemon(true);
        controlThread.start();
        boolean caughtUp;
        try {
            caughtUp = ready.await(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
        if (controlFailure != null) {
            throw new IllegalStateException("control loop failed: " + controlFailure, controlFailure);
        }
        if (!caughtUp) {
            throw new IllegalStateException(
                    "did not read "
                            + Topics.STREAMS.name()
                            + " to its end within "
                            + settings.startTimeout()
                            + " (does the topic exist at "
                            + settings.bootstrapServers()
                            + "?)");
        }
        log.info("ingest {} started with {} active streams", settings.instanceId(), active.size());
    }

    /**
     * Ingests one source synchronously on the calling thread, seqs from 0, writing statuses like a
     * worker does; for the CLI's {@code ingest} command and benchmarks. Does not consult the
     * control plane: pick a stream id that is not in use.
     *
     * @return how it ended; source errors are reported in the result, not thrown
     * @throws IllegalArgumentException for an invalid stream id or sample rate
     * @throws IllegalStateException when this service is already running that stream
     */
    public IngestResult ingest(
            String streamId, String uri, double sampleFps, ProgressListener listener) {
        StreamIds.requireValid(streamId);
        if (!(sampleFps > 0) || Double.isInfinite(sampleFps)) {
            throw new IllegalArgumentException("sampleFps must be a positive number: " + sampleFps);
        }
        if (active.containsKey(streamId)) {
            throw new IllegalStateException("stream " + streamId + " is already being ingested");
        }
        StreamJob job = StreamJob.fresh(streamId, uri, sampleFps);
        deps.statuses().publish(pending(streamId));
        return new StreamRun(job, deps, new StopSignal()).run(listener);
    }

    /**
     * Empty while this instance follows the control plane: it has joined the group and read its
     * partitions of {@code lw.streams}, and its control loop is alive; otherwise why not (for
     * {@code /readyz}).
     */
    public Optional<String> waitingFor() {
        if (controlFailure != null) {
            return Optional.of("the control loop failed: " + controlFailure);
        }
        if (!running || controlThread == null || !controlThread.isAlive()) {
            return Optional.of("not following " + Topics.STREAMS.name());
        }
        if (catchingUp) {
            return Optional.of("reading its partitions of " + Topics.STREAMS.name());
        }
        return Optional.empty();
    }

    /** Streams this instance is running (or waiting to run) now. */
    public Set<String> activeStreams() {
        return Set.copyOf(active.keySet());
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (controlThread != null) {
            joinQuietly(controlThread, settings.shutdownTimeout());
        }
        // Stop every stream first: a run waiting out a backoff is handed back to its pool by the
        // stop, so the pools must still take work until every run has written its last status.
        List<Worker> stopping = List.copyOf(active.values());
        stopping.forEach(w -> w.stop().request(StopSignal.Reason.SHUTDOWN));
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        for (Worker w : stopping) {
            try {
                w.future().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                log.warn("a stream did not stop within {}; interrupting the workers", settings.shutdownTimeout());
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("a stream's worker failed: {}", e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timer.shutdownNow();
        fileWorkers.shutdownNow();
        networkWorkers.shutdownNow();
        deps.frames().close();
        deps.statuses().close();
        deps.events().close();
        deadLetters.close();
    }

    private Consumer<byte[], byte[]> createConsumer() {
        Map<String, Object> configs = settings.kafkaConnection();
        configs.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-control");
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // Offsets are never committed: every assignment re-reads its partitions from the start.
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        configs.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // How long the streams of a dead instance stay unrecorded before they move.
        configs.put(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                (int) settings.sessionTimeout().toMillis());
        configs.put(
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                (int) settings.heartbeatInterval().toMillis());
        // Cooperative: an instance joining or leaving moves only the partitions that change
        // owner, instead of stopping every stream of every instance for the rebalance.
        configs.put(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        // Raw bytes: decoding is ControlRecords' job, so a record that does not decode is
        // dead-lettered with its coordinates instead of failing inside poll().
        return new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void controlLoop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(settings.pollTimeout())) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    ControlRecords.Parsed parsed = ControlRecords.parse(r.key(), r.value());
                    if (parsed instanceof ControlRecords.Poison poison) {
                        metrics.controlPlaneErrors().increment();
                        deadLetters.write(
                                new DeadLetters.Origin(r.topic(), r.partition(), r.offset()),
                                r.key(),
                                r.value(),
                                poison.reason());
                        continue;
                    }
                    String id;
                    StreamSpec spec;
                    if (parsed instanceof ControlRecords.Spec created) {
                        id = created.id();
                        spec = created.spec();
                    } else {
                        id = ((ControlRecords.Tombstone) parsed).id();
                        spec = null;
                    }
                    Map<String, StreamSpec> pending = catchUp.get(p);
                    if (pending != null) {
                        pending.put(id, spec); // a later record supersedes
                    } else {
                        apply(id, spec, p);
                    }
                }
                applyCaughtUp();
                catchingUp = !assignedOnce || !catchUp.isEmpty();
                if (assignedOnce && catchUp.isEmpty()) {
                    ready.countDown();
                }
                reapFinished();
            }
        } catch (WakeupException e) {
            if (running) {
                controlFailure = e;
            }
        } catch (RuntimeException | Error e) {
            controlFailure = e;
            log.error("ingest control loop died; no stream changes are applied any more", e);
        } finally {
            ready.countDown(); // never leave start() waiting on a dead loop
            try {
                consumer.close(); // leaves the group: the revocation stops this instance's streams
            } catch (RuntimeException e) {
                log.warn("closing the control consumer failed: {}", e.toString());
            }
        }
    }

    /** Applies the buffered specs of every partition that has reached its assignment-time end. */
    private void applyCaughtUp() {
        for (TopicPartition p : List.copyOf(catchUp.keySet())) {
            if (consumer.position(p) >= catchUpEnd.get(p)) {
                Map<String, StreamSpec> specs = catchUp.remove(p);
                catchUpEnd.remove(p);
                specs.forEach((id, spec) -> apply(id, spec, p));
                log.info("{} caught up: {} streams", p, specs.size());
            }
        }
    }

    /** Runs inside poll() on the control thread, like everything else that touches workers. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignedOnce = true;
            if (partitions.isEmpty()) {
                return;
            }
            // Streams that move here resume from what their previous owner acknowledged, which
            // it wrote (and flushed) to lw.stream-status before giving the partition up.
            Map<String, StreamStatus> statuses =
                    StatusReader.readAll(
                            settings.kafkaConnection(),
                            settings.instanceId() + "-status-reader",
                            settings.startTimeout());
            statuses.keySet().removeAll(active.keySet()); // ours are fresher in memory
            deps.statuses().seed(statuses);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition p : partitions) {
                catchUpEnd.put(p, ends.getOrDefault(p, 0L));
                catchUp.put(p, new LinkedHashMap<>());
            }
            log.info("ingest {} assigned {}", settings.instanceId(), partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            handOver(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another instance may already own them: stop at once, same as a revocation.
            handOver(partitions);
        }
    }

    /** Stops the streams of partitions leaving this instance and waits until they wrote STOPPED. */
    private void handOver(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        partitions.forEach(
                p -> {
                    catchUp.remove(p);
                    catchUpEnd.remove(p);
                });
        deferred.values().removeIf(d -> partitions.contains(d.partition()));
        List<Map.Entry<String, Worker>> leaving =
                active.entrySet().stream()
                        .filter(e -> partitions.contains(e.getValue().partition()))
                        .toList();
        leaving.forEach(e -> e.getValue().stop().request(StopSignal.Reason.HANDOVER));
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        for (Map.Entry<String, Worker> e : leaving) {
            try {
                e.getValue().future().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException ex) {
                log.warn("stream {} did not stop within {} on handover", e.getKey(), settings.shutdownTimeout());
            } catch (java.util.concurrent.ExecutionException ex) {
                log.warn("stream {} worker failed: {}", e.getKey(), ex.getCause().toString());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
            active.remove(e.getKey(), e.getValue());
        }
        deps.statuses().flush();
        log.info("ingest {} handed over {} ({} streams)", settings.instanceId(), partitions, leaving.size());
    }

    /** Applies the latest spec of a stream: launch, keep, or stop its worker. */
    private void apply(String streamId, StreamSpec spec, TopicPartition partition) {
        if (spec == null) {
            stop(streamId, StopSignal.Reason.DELETED);
        } else if (!spec.getEnabled()) {
            stop(streamId, StopSignal.Reason.DISABLED);
        } else {
            launch(streamId, new Deferred(spec, partition));
        }
    }

    private void launch(String streamId, Deferred next) {
        StreamSpec spec = next.spec();
        Worker current = active.get(streamId);
        if (current != null) {
            if (current.stop().reason() != null) {
                deferred.put(streamId, next); // started once the stopping worker is done
            } else if (!sameSource(current.spec(), spec)) {
                log.warn(
                        "stream {} changed while running; ignored (delete and re-create it to"
                                + " change its source)",
                        streamId);
            }
            return;
        }
        double fps = spec.getSampleFps() == 0 ? settings.defaultSampleFps() : spec.getSampleFps();
        if (!(fps > 0) || Double.isInfinite(fps)) {
            deps.statuses()
                    .publish(
                            failed(streamId, spec.getCreatedMs(), "sample_fps must be a positive number, got " + fps));
            return;
        }
        // A status of another incarnation is what is left of a deleted stream of the same id.
        StreamStatus previous =
                deps.statuses().latest(streamId).filter(s -> sameIncarnation(s, spec)).orElse(null);
        if (previous != null
                && (previous.getState() == StreamState.COMPLETED
                        || previous.getState() == StreamState.FAILED)) {
            log.debug("stream {} already {}; not ingesting again", streamId, previous.getState());
            return;
        }
        deps.statuses().publish(pending(streamId, previous, spec.getCreatedMs()));
        StopSignal stop = new StopSignal();
        CompletableFuture<Void> done = new CompletableFuture<>();
        ExecutorService pool = SourceLocation.isNetwork(spec.getUri()) ? networkWorkers : fileWorkers;
        execute(pool, done, () -> {
            StreamJob job =
                    resumePoint(streamId, spec.getUri(), fps, previous).withIncarnation(spec.getCreatedMs());
            if (job.resumeLastSeq() >= 0) {
                log.info("stream {} resumes after seq {}", streamId, job.resumeLastSeq());
            }
            attempt(new StreamRun(job, deps, stop), pool, stop, done);
        });
        active.put(streamId, new Worker(spec, next.partition(), stop, done));
        log.info(
                "stream {} accepted: {} at {} fps", streamId, Uris.redact(spec.getUri()), fps);
    }

    /**
     * Runs one attempt of {@code run} on the calling worker. A lost live source is handed to the
     * timer for its backoff and comes back to {@code pool} after it, or at once when stopped.
     */
    private void attempt(StreamRun run, ExecutorService pool, StopSignal stop, CompletableFuture<Void> done) {
        if (!(run.attempt(ProgressListener.NONE) instanceof StreamRun.RetryAfter retry)) {
            done.complete(null);
            return;
        }
        AtomicBoolean resumed = new AtomicBoolean();
        Runnable resume = () -> {
            if (resumed.compareAndSet(false, true)) {
                execute(pool, done, () -> attempt(run, pool, stop, done));
            }
        };
        try {
            timer.schedule(resume, retry.delay().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            resume.run(); // closing: the next attempt sees the stop and writes the last status
        }
        stop.onRequest(resume);
    }

    /** Runs {@code step} on {@code pool}; whatever escapes it, or a refusal, ends the stream's future. */
    private static void execute(ExecutorService pool, CompletableFuture<Void> done, Runnable step) {
        try {
            pool.execute(() -> {
                try {
                    step.run();
                } catch (RuntimeException | Error e) {
                    log.error("stream worker failed", e);
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e); // the service is closing
        }
    }

    private void stop(String streamId, StopSignal.Reason reason) {
        Worker worker = active.get(streamId);
        deferred.remove(streamId);
        boolean handledByWorker = worker != null && worker.stop().request(reason);
        if (!handledByWorker
                && reason == StopSignal.Reason.DELETED
                && deps.statuses().latest(streamId).isPresent()) {
            deps.statuses().tombstone(streamId);
        }
    }

    private void reapFinished() {
        active.entrySet().removeIf(e -> e.getValue().future().isDone());
        if (!deferred.isEmpty()) {
            for (String id : List.copyOf(deferred.keySet())) {
                if (!active.containsKey(id)) {
                    launch(id, deferred.remove(id));
                }
            }
        }
    }

    /**
     * Where a stream continues. Runs on the worker thread: it may read lw.frames. A STOPPED status
     * is exact (written after a flush). Any other one may lag behind lw.frames when its writer
     * died, so the last frame there wins; without a status the stream starts afresh (its PENDING
     * status is written before the source is even opened).
     */
    private StreamJob resumePoint(String streamId, String uri, double fps, StreamStatus previous) {
        if (previous == null) {
            return StreamJob.fresh(streamId, uri, fps);
        }
        StreamJob job = StreamJob.resuming(streamId, uri, fps, previous);
        if (previous.getState() == StreamState.STOPPED) {
            return job;
        }
        // A frame not yet counted by that status was sent at most one delivery timeout before it.
        long notBefore = previous.getUpdatedMs() - ProducerConfigs.DELIVERY_TIMEOUT.toMillis();
        StreamJob resumed;
        try {
            resumed =
                    frameLog.lastFrame(streamId, notBefore)
                            .map(f -> job.after(f.seq(), f.ptsMs()))
                            .orElse(job);
        } catch (RuntimeException e) {
            // Ingesting with a possible repeat of a few seqs beats not ingesting at all.
            log.warn(
                    "stream {}: cannot read the end of {} ({}); resuming from its status",
                    streamId,
                    Topics.FRAMES.name(),
                    e.toString());
            resumed = job;
        }
        if (resumed != job) {
            log.info(
                    "stream {}: lw.frames holds seqs up to {}, beyond its last status ({})",
                    streamId,
                    resumed.resumeLastSeq(),
                    job.resumeLastSeq());
        }
        return resumed;
    }

    private static boolean sameSource(StreamSpec a, StreamSpec b) {
        return a.getUri().equals(b.getUri()) && a.getSampleFps() == b.getSampleFps();
    }

    /** A status written before incarnations existed (0) counts as the current one's. */
    private static boolean sameIncarnation(StreamStatus status, StreamSpec spec) {
        return status.getIncarnation() == 0 || status.getIncarnation() == spec.getCreatedMs();
    }

    private StreamStatus pending(String streamId) {
        return pending(streamId, null, 0);
    }

    /** PENDING keeps the counters of the run it resumes, so frames_produced never goes back. */
    private StreamStatus pending(String streamId, StreamStatus previous, long incarnation) {
        StreamStatus.Builder b =
                previous == null
                        ? StreamStatus.newBuilder().setStreamId(streamId).setLastSeq(-1).setLastPtsMs(-1)
                        : previous.toBuilder();
        return b.setState(StreamState.PENDING)
                .setIncarnation(incarnation)
                .setError("")
                .setUpdatedMs(deps.clock().millis())
                .setInstance(settings.instanceId())
                .build();
    }

    private StreamStatus failed(String streamId, long incarnation, String error) {
        return StreamStatus.newBuilder()
                .setStreamId(streamId)
                .setIncarnation(incarnation)
                .setState(StreamState.FAILED)
                .setLastSeq(-1)
                .setLastPtsMs(-1)
                .setError(error)
                .setUpdatedMs(deps.clock().millis())
                .setInstance(settings.instanceId())
                .build();
    }

    private static void joinQuietly(Thread t, Duration timeout) {
        try {
            t.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

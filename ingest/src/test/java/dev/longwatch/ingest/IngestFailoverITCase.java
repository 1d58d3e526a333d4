package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.ingest.config.SourceSafety;
import dev.longwatch.ingest.source.TestSources;
import dev.longwatch.ingest.kafka.FrameProducer;
import dev.longwatch.ingest.live.ReconnectPolicy;
import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingest instances share live RTSP streams through the consumer group on {@code lw.streams};
 * one of them is a real child JVM that gets SIGKILLed. Given/When/Then:
 *
 * <ul>
 *   <li>Given an in-JVM instance that owns all streams, when a second instance (child JVM) joins,
 *       then half the streams move to it: the first instance stops them (STOPPED) before the
 *       second resumes them after the last seq, with a gap marker.
 *   <li>When the child is killed (no goodbye to the group), then after the session timeout its
 *       streams move back to the survivor and continue at the next seq, flagged as a gap.
 *   <li>Throughout, per stream, the frames on {@code lw.frames} in log order have seqs 0, 1, 2, ...
 *       with no repeat and no hole: never two instances at once, nothing lost at a handover,
 *       including the frames the killed instance sent after its last status.
 * </ul>
 *
 * Real broker (KRaft, in this JVM), real RTSP server (GStreamer, a child process), real FFmpeg.
 */
class IngestFailoverITCase {
    static final Path CLIP = RtspReconnectITCase.CLIP;
    static final String GROUP = "lw-ingest-failover";
    static final String LOCAL = "ingest-local";
    static final String CHILD = "ingest-child";
    /** Short, so a dead instance's streams move within seconds; the broker minimum is lowered to match. */
    static final Duration SESSION = Duration.ofSeconds(3);
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    static final int STREAM_PARTITIONS = 4;
    static final double SAMPLE_FPS = 2.0;
    /** Upper bound for each step; the test polls and never waits a fixed time. */
    static final Duration STEP = Duration.ofSeconds(30);

    @TempDir static Path dir;
    static EmbeddedKafka kafka;
    static RtspServerProcess rtsp;
    static RecordCollector collected;

    /** The settings of both instances (the child builds them from its arguments). */
    static IngestSettings settings(
            String bootstrap, String instanceId, String group, Duration session, Duration heartbeat) {
        return settings(bootstrap, instanceId, group, session, heartbeat, Duration.ofSeconds(5));
    }

    /**
     * @param stall how long a silent camera may take before its connection counts as lost
     */
    static IngestSettings settings(
            String bootstrap, String instanceId, String group, Duration session, Duration heartbeat, Duration stall) {
        return IngestSettings.defaults(bootstrap)
                // The test camera listens on 127.0.0.1, which sources may reach only when allowed.
                .withSafety(SourceSafety.defaults().withNetworks(List.of(TestSources.TEST_SERVERS), List.of()))
                .withInstanceId(instanceId)
                .withGroupId(group)
                .withGroupTimeouts(session, heartbeat)
                .withReconnect(
                        new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), 2.0, 0.5, stall));
    }

    @BeforeAll
    static void startKafkaAndCamera() throws Exception {
        RtspServerProcess.assumeAvailable();
        assumeTrue(Files.isReadable(CLIP), "shared clip missing: " + CLIP);
        kafka =
                EmbeddedKafka.start(
                        dir.resolve("kafka"),
                        1, // num.partitions as the broker default: every topic is created below
                        // Lets the instances use a 3 s session (the broker default minimum is 6 s).
                        Map.of("group.min.session.timeout.ms", "1000"));
        // Several lw.streams partitions so the group can split the streams.
        TopicAdmin.createAll(
                kafka.bootstrapServers(),
                topic -> topic == Topics.STREAMS ? STREAM_PARTITIONS : topic == Topics.FRAMES ? 2 : 1,
                (short) 1);
        collected = RecordCollector.start(kafka.bootstrapServers());
        rtsp = RtspServerProcess.start(CLIP);
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (collected != null) {
            collected.close();
        }
        if (rtsp != null) {
            rtsp.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldMoveStreamsOfAKilledInstanceToTheSurvivorWithoutRepeatingOrLosingSeqs() throws Exception {
        List<String> streams = streamIdsOnEveryPartition();
        writeSpecs(streams);
        Process child = null;
        try (IngestService local =
                new IngestService(
                        settings(kafka.bootstrapServers(), LOCAL, GROUP, SESSION, HEARTBEAT),
                        new SimpleMeterRegistry())) {
            local.start();
            await("the first instance ingests every stream", () -> streams.stream()
                    .allMatch(id -> framesFrom(id, LOCAL) >= 2));

            // Given a second instance, in its own JVM, joining the group.
            child = startChild();
            await("the streams are split between both instances", () -> {
                Set<String> childStreams = ownedBy(streams, CHILD);
                Set<String> localStreams = ownedBy(streams, LOCAL);
                return !childStreams.isEmpty()
                        && !localStreams.isEmpty()
                        && childStreams.size() + localStreams.size() == streams.size()
                        && childStreams.stream().allMatch(id -> framesFrom(id, CHILD) >= 3);
            });
            Set<String> moved = ownedBy(streams, CHILD);
            assertThat(local.activeStreams())
                    .as("the first instance runs exactly the streams the child does not")
                    .containsExactlyInAnyOrderElementsOf(
                            streams.stream().filter(id -> !moved.contains(id)).toList());

            // When the child dies without a word to the group.
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killedNanos = System.nanoTime();
            long killedMs = System.currentTimeMillis();

            // Then its streams come back to the survivor and go on.
            await("the survivor takes the killed instance's streams back", () -> moved.stream()
                    .allMatch(id -> framesAfterLast(id, CHILD, LOCAL) >= 3));
            System.out.printf(
                    "IngestFailoverITCase: streams %s moved after SIGKILL in %d ms (session timeout %d ms)%n",
                    moved,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNanos),
                    SESSION.toMillis());
            for (String id : moved) {
                List<StreamStatus> st = collected.statuses(id);
                StreamStatus taken = st.get(st.size() - 1 - runsBack(st, LOCAL));
                List<SeenFrame> fr = collected.frames(id);
                SeenFrame first = fr.get(fr.size() - framesAfterLast(id, CHILD, LOCAL));
                System.out.printf("  %s: %s %s after %d ms, first frame (seq %d) after %d ms%n",
                        id, taken.getInstance(), taken.getState(), taken.getUpdatedMs() - killedMs,
                        first.frame().getSeq(), first.frame().getWallMs() - killedMs);
            }
            assertThat(local.activeStreams()).containsExactlyInAnyOrderElementsOf(streams);
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
        }
        collected.awaitEnd(kafka.bootstrapServers());

        Set<String> moved = streams.stream()
                .filter(id -> collected.frames(id).stream().anyMatch(f -> f.instance().equals(CHILD)))
                .collect(Collectors.toSet());
        for (String id : streams) {
            List<SeenFrame> frames = collected.frames(id);
            assertThat(frames.stream().map(f -> f.frame().getSeq()).toList())
                    .as("seqs of %s in log order: dense from 0, none twice", id)
                    .containsExactlyElementsOf(
                            java.util.stream.LongStream.range(0, frames.size()).boxed().toList());
            List<String> expectedOwners = moved.contains(id) ? List.of(LOCAL, CHILD, LOCAL) : List.of(LOCAL);
            assertThat(runsOf(frames.stream().map(SeenFrame::instance).toList()))
                    .as("which instance produced %s's frames, in seq order", id)
                    .isEqualTo(expectedOwners);
            assertThat(runsOf(collected.statuses(id).stream().map(StreamStatus::getInstance).toList()))
                    .as("which instance reported %s, in order", id)
                    .isEqualTo(expectedOwners);
            for (int i = 1; i < frames.size(); i++) {
                boolean handover = !frames.get(i).instance().equals(frames.get(i - 1).instance());
                if (handover) {
                    Frame first = frames.get(i).frame();
                    assertThat(first.getGapBefore())
                            .as("%s seq %d, first after a handover, flags the gap", id, first.getSeq())
                            .isTrue();
                    assertThat(first.getPtsMs()).isGreaterThan(frames.get(i - 1).frame().getPtsMs());
                    assertThat(collected.events(id))
                            .as("a GAP event for %s at seq %d", id, first.getSeq())
                            .anyMatch(e -> e.getKind() == EventKind.GAP && e.getSeq() == first.getSeq());
                }
            }
        }
        assertThat(moved).isNotEmpty();
        // The orderly handover (child joining) is announced by STOPPED before the new owner starts.
        for (String id : moved) {
            List<StreamStatus> statuses = collected.statuses(id);
            int firstChild = indexOfFirst(statuses, CHILD);
            assertThat(statuses.get(firstChild - 1).getState())
                    .as("the first instance stopped %s before the child took it", id)
                    .isEqualTo(StreamState.STOPPED);
        }
    }

    // ---- helpers

    /** One stream id per lw.streams partition, so both instances are sure to get some. */
    static List<String> streamIdsOnEveryPartition() {
        Map<Integer, String> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.size() < STREAM_PARTITIONS; i++) {
            String id = "cam-" + i;
            byte[] key = Topics.STREAMS.keySerde().serializer().serialize(Topics.STREAMS.name(), id);
            byPartition.putIfAbsent(BuiltInPartitioner.partitionForKey(key, STREAM_PARTITIONS), id);
        }
        return List.copyOf(byPartition.values());
    }

    static void writeSpecs(List<String> streams) throws Exception {
        try (KafkaProducer<String, StreamSpec> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        Topics.STREAMS.keySerde().serializer(),
                        Topics.STREAMS.valueSerde().serializer())) {
            for (String id : streams) {
                StreamSpec spec =
                        StreamSpec.newBuilder()
                                .setId(id)
                                .setUri(rtsp.uri())
                                .setSampleFps(SAMPLE_FPS)
                                .setEnabled(true)
                                .setCreatedMs(System.currentTimeMillis())
                                .build();
                producer.send(new ProducerRecord<>(Topics.STREAMS.name(), id, spec)).get();
            }
        }
    }

    /** {@code java -cp <this JVM's classpath> IngestInstanceMain ...}; returns once it started. */
    static Process startChild() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // The same --add-opens as this JVM (the parent pom's test.jvm.args).
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                IngestInstanceMain.class.getName(),
                kafka.bootstrapServers(), CHILD, GROUP,
                Long.toString(SESSION.toMillis()), Long.toString(HEARTBEAT.toMillis())));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    System.err.println("[" + CHILD + "] " + line);
                }
            } catch (java.io.IOException e) {
                // the child died: nothing left to read
            }
        }, "child-output");
        drain.setDaemon(true);
        drain.start();
        long deadline = System.nanoTime() + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("STARTED")) {
                return process;
            }
            if (line == null && !process.isAlive()) {
                fail("the child instance exited with " + process.exitValue() + " before it started");
            }
        }
        process.destroyForcibly();
        return fail("the child instance did not start within " + STEP);
    }

    /** Streams whose latest status names {@code instance} and says RUNNING. */
    static Set<String> ownedBy(List<String> streams, String instance) {
        return streams.stream()
                .filter(id -> {
                    List<StreamStatus> s = collected.statuses(id);
                    return !s.isEmpty()
                            && s.get(s.size() - 1).getInstance().equals(instance)
                            && s.get(s.size() - 1).getState() == StreamState.RUNNING;
                })
                .collect(Collectors.toSet());
    }

    static int framesFrom(String streamId, String instance) {
        return (int) collected.frames(streamId).stream().filter(f -> f.instance().equals(instance)).count();
    }

    /** Frames of {@code instance} after the last frame of {@code before}. */
    static int framesAfterLast(String streamId, String before, String instance) {
        List<SeenFrame> frames = collected.frames(streamId);
        int last = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).instance().equals(before)) {
                last = i;
            }
        }
        int n = 0;
        for (int i = last + 1; i < frames.size(); i++) {
            if (frames.get(i).instance().equals(instance)) {
                n++;
            }
        }
        return last < 0 ? 0 : n;
    }

    /** Collapses repeats: [a, a, b, a] -> [a, b, a]. */
    static List<String> runsOf(List<String> values) {
        List<String> runs = new ArrayList<>();
        for (String v : values) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(v)) {
                runs.add(v);
            }
        }
        return runs;
    }

    /** How many statuses at the end were written by {@code instance}, minus one. */
    static int runsBack(List<StreamStatus> statuses, String instance) {
        int n = 0;
        for (int i = statuses.size() - 1; i >= 0 && statuses.get(i).getInstance().equals(instance); i--) {
            n++;
        }
        return n - 1;
    }

    static int indexOfFirst(List<StreamStatus> statuses, String instance) {
        for (int i = 0; i < statuses.size(); i++) {
            if (statuses.get(i).getInstance().equals(instance)) {
                return i;
            }
        }
        return fail("no status from " + instance);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + STEP + " waiting until " + what + "; seen: " + collected.summary());
            }
            Thread.sleep(100);
        }
    }

    /** A frame as found on lw.frames, with the instance that produced it (record header). */
    record SeenFrame(Frame frame, String instance) {}

    /**
     * Reads lw.frames, lw.stream-status and lw.events from the start on a background thread, in
     * log order per partition (one stream's records stay in one partition).
     */
    static final class RecordCollector implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private final Map<String, List<SeenFrame>> frames = new LinkedHashMap<>();
        private final Map<String, List<StreamStatus>> statuses = new LinkedHashMap<>();
        private final List<MemoryEvent> events = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;

        private RecordCollector(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
            this.thread = new Thread(this::loop, "record-collector");
            this.thread.setDaemon(true);
        }

        static RecordCollector start(String bootstrap) {
            KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic<?, ?> t : List.of(Topics.FRAMES, Topics.STREAM_STATUS, Topics.EVENTS)) {
                consumer.partitionsFor(t.name()).forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            RecordCollector c = new RecordCollector(consumer);
            c.thread.start();
            return c;
        }

        private void loop() {
            try {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        add(r);
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }

        private synchronized void add(ConsumerRecord<byte[], byte[]> r) {
            if (r.value() == null) {
                tombstones++;
                return;
            }
            if (r.topic().equals(Topics.FRAMES.name())) {
                Frame f = Topics.FRAMES.valueSerde().deserializer().deserialize(r.topic(), r.value());
                Header h = r.headers().lastHeader(FrameProducer.INSTANCE_HEADER);
                String instance = h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
                frames.computeIfAbsent(f.getStreamId(), k -> new ArrayList<>()).add(new SeenFrame(f, instance));
            } else if (r.topic().equals(Topics.STREAM_STATUS.name())) {
                StreamStatus s = Topics.STREAM_STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                statuses.computeIfAbsent(s.getStreamId(), k -> new ArrayList<>()).add(s);
            } else {
                events.add(Topics.EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
        }

        synchronized List<SeenFrame> frames(String streamId) {
            return List.copyOf(frames.getOrDefault(streamId, List.of()));
        }

        synchronized List<StreamStatus> statuses(String streamId) {
            return List.copyOf(statuses.getOrDefault(streamId, List.of()));
        }

        List<MemoryEvent> events(String streamId) {
            return events.stream().filter(e -> e.getStreamId().equals(streamId)).toList();
        }

        synchronized String summary() {
            return frames.entrySet().stream()
                    .map(e -> e.getKey() + " frames by instance " + runsOf(e.getValue().stream().map(SeenFrame::instance).toList())
                            + " (" + e.getValue().size() + "), statuses " + statuses.getOrDefault(e.getKey(), List.of()).stream()
                                    .map(s -> s.getInstance() + ":" + s.getState()).toList())
                    .collect(Collectors.joining("; "));
        }

        /** Waits until everything written so far has been read. */
        void awaitEnd(String bootstrap) throws Exception {
            Map<TopicPartition, Long> end;
            try (KafkaConsumer<byte[], byte[]> probe =
                    new KafkaConsumer<>(
                            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (Topic<?, ?> t : List.of(Topics.FRAMES, Topics.STREAM_STATUS, Topics.EVENTS)) {
                    probe.partitionsFor(t.name()).forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition())));
                }
                end = probe.endOffsets(partitions);
            }
            long target = end.values().stream().mapToLong(Long::longValue).sum();
            await("the collector read every record", () -> count() >= target);
        }

        private synchronized long count() {
            return frames.values().stream().mapToLong(List::size).sum()
                    + statuses.values().stream().mapToLong(List::size).sum()
                    + events.size()
                    + tombstones;
        }

        private long tombstones;

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

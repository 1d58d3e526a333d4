package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.FrameEmbedding;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once with real processes: workers are {@link EncoderWorkerMain} in child JVMs, the
 * broker is a real single-node KRaft Kafka in this JVM, the frames are real JPEGs.
 *
 * <ul>
 *   <li>Given frames of several streams on {@code lw.frames} and a worker encoding them in
 *       transactions, when the worker is SIGKILLed while a transaction holds embeddings on
 *       {@code lw.embeddings} and a new process starts with the same transactional id, then the
 *       new one fences the dead one's transaction (aborted) and resumes from the committed
 *       offsets: read_committed sees every (stream, seq) exactly once.
 *   <li>Given two workers in one consumer group, then each owns some of the partitions, both
 *       encode, and the union of their output is every frame exactly once; a worker stopped with
 *       SIGTERM leaves the group at once.
 * </ul>
 *
 * Each test has its own broker. No assertion depends on timing: waits poll a condition with a
 * generous upper bound.
 */
class EncoderExactlyOnceITCase {
    private static final int PARTITIONS = 6;
    private static final int FRAMES_PER_STREAM = 80;
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final String GROUP = "longwatch-encoder";
    /** Upper bound of every wait; a healthy run needs a fraction of it. */
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final int KILL_ATTEMPTS = 5;

    @TempDir Path dir;
    private EmbeddedKafka kafka;
    private Admin admin;
    private final List<WorkerProcess> workers = new ArrayList<>();
    /** One stream per partition of {@code lw.frames}, so every partition carries frames. */
    private List<String> streams;

    @BeforeEach
    void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1); // num.partitions: the broker default
        TopicAdmin.create(
                kafka.bootstrapServers(),
                List.of(Topics.FRAMES, Topics.EMBEDDINGS, Topics.DLQ),
                topic -> topic == Topics.DLQ ? 1 : PARTITIONS,
                (short) 1);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        streams = oneStreamPerPartition();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (WorkerProcess worker : workers) {
            worker.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldEncodeEveryFrameExactlyOnceAfterAWorkerIsKilledMidBatch() throws Exception {
        produceFrames();
        WorkerProcess first = startWorker("encoder-a");
        await("the first worker encodes frames", () -> first.framesEncoded() >= 100, first);

        // Kill while a transaction holds embeddings: the coordinator still calls it ongoing
        // after the process is gone, which proves the kill landed inside a batch. A kill that
        // lands between two transactions proves nothing; then the next process tries again.
        TransactionDescription killedInside = null;
        WorkerProcess victim = first;
        for (int attempt = 1; attempt <= KILL_ATTEMPTS && killedInside == null; attempt++) {
            awaitOngoingTransactionWithEmbeddings(victim);
            victim.kill();
            TransactionDescription afterKill = transaction(victim.transactionalId);
            if (holdsEmbeddings(afterKill)) {
                killedInside = afterKill;
            } else {
                WorkerProcess next = startWorker(victim.transactionalId);
                await("the restarted worker encodes frames", () -> next.framesEncoded() >= 8, next);
                victim = next;
            }
        }
        assertThat(killedInside).as("a kill inside an open transaction in " + KILL_ATTEMPTS + " attempts").isNotNull();

        WorkerProcess replacement = startWorker(victim.transactionalId);
        awaitCaughtUp(replacement);

        assertThat(transaction(replacement.transactionalId).state())
                .as("the killed worker's open transaction was ended by its replacement")
                .isNotEqualTo(TransactionState.ONGOING);
        assertExactlyOnce(readEmbeddings("read_committed"));
        assertThat(readEmbeddings("read_uncommitted"))
                .as("the killed batch reached the log, aborted, hidden from read_committed")
                .hasSizeGreaterThan(streams.size() * FRAMES_PER_STREAM);
    }

    @Test
    void shouldSplitThePartitionsBetweenTwoWorkersOfOneGroup() throws Exception {
        WorkerProcess x = startWorker("encoder-x");
        WorkerProcess y = startWorker("encoder-y");
        await("both workers own partitions", () -> assignments().size() == 2
                && assignments().values().stream().noneMatch(Set::isEmpty), x, y);
        produceFrames();
        awaitCaughtUp(x, y);

        Map<String, Set<TopicPartition>> owned = assignments();
        Set<TopicPartition> union = new HashSet<>();
        owned.values().forEach(union::addAll);
        assertThat(owned.get("encoder-x")).doesNotContainAnyElementsOf(owned.get("encoder-y"));
        assertThat(union).isEqualTo(framePartitions());
        // One stream per partition: a worker encoded at least the frames of its own partitions.
        assertThat(x.framesEncoded()).isGreaterThanOrEqualTo((long) owned.get("encoder-x").size() * FRAMES_PER_STREAM);
        assertThat(y.framesEncoded()).isGreaterThanOrEqualTo((long) owned.get("encoder-y").size() * FRAMES_PER_STREAM);
        assertExactlyOnce(readEmbeddings("read_committed"));

        // A worker stopped on purpose leaves at once instead of holding its partitions until
        // its static membership's session times out.
        assertThat(x.stop(STEP)).as("exit code after SIGTERM (128 + 15)\n" + x.logTail()).isEqualTo(143);
        // Asked right away: the group is rebalancing now, with y as its only member.
        assertThat(group().members()).extracting(m -> m.groupInstanceId().orElseThrow()).containsExactly("encoder-y");
    }

    private WorkerProcess startWorker(String transactionalId) throws Exception {
        WorkerProcess worker = WorkerProcess.start(
                transactionalId,
                Map.of(
                        "LONGWATCH_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "LONGWATCH_ENCODER_GROUP", GROUP,
                        "LONGWATCH_ENCODER_BACKEND", "builtin",
                        // Small batches: many transactions, so a kill has many to land in.
                        "LONGWATCH_ENCODER_MAX_BATCH", "4"),
                dir);
        workers.add(worker);
        await(transactionalId + " answers /healthz", worker::healthy, worker);
        await(transactionalId + " is ready (transactions initialised, group joined)", worker::ready, worker);
        return worker;
    }

    private void produceFrames() throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(
                config, Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer())) {
            for (int seq = 0; seq < FRAMES_PER_STREAM; seq++) {
                for (int s = 0; s < streams.size(); s++) {
                    Frame frame = Frame.newBuilder()
                            .setStreamId(streams.get(s))
                            .setSeq(seq)
                            .setPtsMs(seq * 500L)
                            .setWallMs(1_700_000_000_000L + seq * 500L)
                            .setWidth(WIDTH)
                            .setHeight(HEIGHT)
                            .setJpeg(ByteString.copyFrom(jpeg(s, seq)))
                            .build();
                    producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getStreamId(), frame));
                }
            }
            producer.flush();
        }
    }

    /** A frame of a synthetic scene: a gradient per stream and a square moving with seq. */
    private static byte[] jpeg(int stream, int seq) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        Color base = Color.getHSBColor(stream / (float) PARTITIONS, 0.6f, 0.8f);
        g.setPaint(new GradientPaint(0, 0, base, WIDTH, HEIGHT, base.darker().darker()));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.WHITE);
        g.fillRect((seq * 13) % (WIDTH - 80), (seq * 7) % (HEIGHT - 80), 80, 80);
        g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 28));
        g.drawString("cam " + stream + " #" + seq, 20, HEIGHT - 20);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Stream ids whose keys hash to each partition of {@code lw.frames} once (Kafka's partitioner). */
    private static List<String> oneStreamPerPartition() {
        Map<Integer, String> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.size() < PARTITIONS; i++) {
            String id = "cam-" + i;
            byte[] key = Topics.FRAMES.keySerde().serializer().serialize(Topics.FRAMES.name(), id);
            byPartition.putIfAbsent(BuiltInPartitioner.partitionForKey(key, PARTITIONS), id);
        }
        return List.copyOf(byPartition.values());
    }

    private void assertExactlyOnce(List<FrameEmbedding> embeddings) {
        Map<String, List<Long>> seqs = embeddings.stream().collect(Collectors.groupingBy(
                FrameEmbedding::getStreamId, TreeMap::new,
                Collectors.mapping(FrameEmbedding::getSeq, Collectors.toList())));
        List<Long> expected = LongStream.range(0, FRAMES_PER_STREAM).boxed().toList();
        assertThat(seqs.keySet()).containsExactlyInAnyOrderElementsOf(streams);
        seqs.forEach((stream, got) -> assertThat(got.stream().sorted().toList())
                .as("seqs of %s: each exactly once", stream)
                .isEqualTo(expected));
    }

    /** Every record of {@code lw.embeddings} up to its end as seen at this isolation level. */
    private List<FrameEmbedding> readEmbeddings(String isolation) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        List<FrameEmbedding> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new TopicPartition(Topics.EMBEDDINGS.name(), p))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: the end is the last stable offset, so no open transaction is waited for.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + STEP.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    fail("lw.embeddings not read to " + end + " within " + STEP);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    out.add(Topics.EMBEDDINGS.valueSerde().deserializer().deserialize(record.topic(), record.value()));
                }
            }
        }
        return out;
    }

    /** Waits until the group has committed every frame: all embeddings are then committed too. */
    private void awaitCaughtUp(WorkerProcess... running) {
        await("the group commits the last frame", () -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            framePartitions().forEach(p -> latest.put(p, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() == e.getValue().offset());
        }, running);
    }

    private void awaitOngoingTransactionWithEmbeddings(WorkerProcess worker) {
        // No sleep between describes: the open window of one small transaction is milliseconds.
        await("an open transaction of " + worker.transactionalId + " with embeddings", Duration.ZERO,
                () -> holdsEmbeddings(transaction(worker.transactionalId)), worker);
    }

    private static boolean holdsEmbeddings(TransactionDescription transaction) {
        return transaction.state() == TransactionState.ONGOING
                && transaction.topicPartitions().stream().anyMatch(p -> p.topic().equals(Topics.EMBEDDINGS.name()));
    }

    private TransactionDescription transaction(String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get();
    }

    private ConsumerGroupDescription group() throws Exception {
        return admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP).get();
    }

    /** Members of the group once it is stable (none while it rebalances). */
    private List<MemberDescription> stableMembers() throws Exception {
        ConsumerGroupDescription group = group();
        return group.groupState() == GroupState.STABLE ? List.copyOf(group.members()) : List.of();
    }

    /** The partitions each member (by group instance id = transactional id) owns in a stable group. */
    private Map<String, Set<TopicPartition>> assignments() throws Exception {
        Map<String, Set<TopicPartition>> owned = new HashMap<>();
        for (MemberDescription member : stableMembers()) {
            owned.put(member.groupInstanceId().orElse(member.consumerId()), member.assignment().topicPartitions());
        }
        return owned;
    }

    private static Set<TopicPartition> framePartitions() {
        return IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(Topics.FRAMES.name(), p))
                .collect(Collectors.toSet());
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check, WorkerProcess... watched) {
        await(what, Duration.ofMillis(50), check, watched);
    }

    /**
     * Polls {@code check} every {@code pause} until it holds; fails with the workers' output after
     * {@link #STEP}, or at once when a watched worker dies.
     */
    private static void await(String what, Duration pause, Check check, WorkerProcess... watched) {
        long deadline = System.nanoTime() + STEP.toNanos();
        try {
            while (!check.holds()) {
                for (WorkerProcess worker : watched) {
                    if (!worker.isAlive()) {
                        fail(worker.transactionalId + " died while waiting until " + what + "\n" + worker.logTail());
                    }
                }
                if (System.nanoTime() > deadline) {
                    StringBuilder logs = new StringBuilder();
                    for (WorkerProcess worker : watched) {
                        logs.append('\n').append(worker.logTail());
                    }
                    fail("not within " + STEP + ": " + what + logs);
                }
                Thread.sleep(pause.toMillis());
            }
        } catch (Exception e) {
            throw new AssertionError("while waiting until " + what, e);
        }
    }
}

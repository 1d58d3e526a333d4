package dev.longwatch.bench.load;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.FrameEmbedding;
import dev.longwatch.schema.proto.MemorySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's outside view of the pipeline: one read_committed consumer of lw.frames,
 * lw.embeddings, lw.memory and lw.dlq, from their ends at the start of the run (so only this
 * run's records count), on its own thread. For each of the run's streams it keeps the seqs seen
 * on lw.frames and lw.embeddings (to find a frame lost or counted twice), each frame's capture
 * time ({@code wall_ms}, by seq and by pts: lag and event latency are measured from it), and the
 * newest committed memory snapshot. Everything lives for the run; at 1 fps that is a few hundred
 * kB per camera-hour.
 */
final class TopicWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicWatch.class);

    /** What was seen of one stream; guarded by the watch's lock. */
    static final class StreamSeen {
        final BitSet frames = new BitSet();
        final BitSet embedded = new BitSet();
        int duplicateFrames;
        int duplicateEmbeddings;
        final Map<Long, Long> wallBySeq = new HashMap<>();
        final Map<Long, Long> wallByPts = new HashMap<>();
        long firstWallMs = -1;
        long memoryLastSeq = -1;
        long memoryFramesSeen;
        long memoryEndMs;
    }

    /** A stretch with no committed embedding at all, in epoch ms. */
    record Gap(long fromMs, long toMs) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> streams;
    private final Map<String, StreamSeen> seen = new HashMap<>();
    private final List<Gap> embeddingGaps = new ArrayList<>();
    private long framesTotal;
    private long embeddingsTotal;
    private long deadLetters;
    private long lastEmbeddingMs = -1;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /** Starts watching from the topics' current ends; returns once the positions are fixed. */
    TopicWatch(String bootstrap, Set<String> streams) {
        this.streams = streams;
        streams.forEach(s -> seen.put(s, new StreamSeen()));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "load-topic-watch");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.FRAMES.name(), Topics.EMBEDDINGS.name(), Topics.MEMORY.name(), Topics.DLQ.name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the ends now, before the cameras start
        thread = new Thread(this::poll, "load-topic-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        accept(record, now);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable e) {
            LOG.error("the run's topic watch failed", e);
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record, long now) throws Exception {
        String topic = record.topic();
        if (topic.equals(Topics.DLQ.name())) {
            deadLetters++;
            return;
        }
        if (topic.equals(Topics.FRAMES.name())) {
            Frame frame = Frame.parseFrom(record.value());
            StreamSeen stream = seen.get(frame.getStreamId());
            if (stream == null) {
                return;
            }
            framesTotal++;
            if (stream.frames.get((int) frame.getSeq())) {
                stream.duplicateFrames++;
            }
            stream.frames.set((int) frame.getSeq());
            stream.wallBySeq.put(frame.getSeq(), frame.getWallMs());
            stream.wallByPts.put(frame.getPtsMs(), frame.getWallMs());
            if (stream.firstWallMs < 0) {
                stream.firstWallMs = frame.getWallMs();
            }
        } else if (topic.equals(Topics.EMBEDDINGS.name())) {
            FrameEmbedding embedding = FrameEmbedding.parseFrom(record.value());
            StreamSeen stream = seen.get(embedding.getStreamId());
            if (stream == null) {
                return;
            }
            embeddingsTotal++;
            if (lastEmbeddingMs > 0 && now - lastEmbeddingMs > 1000) {
                embeddingGaps.add(new Gap(lastEmbeddingMs, now));
            }
            lastEmbeddingMs = now;
            if (stream.embedded.get((int) embedding.getSeq())) {
                stream.duplicateEmbeddings++;
            }
            stream.embedded.set((int) embedding.getSeq());
        } else if (topic.equals(Topics.MEMORY.name()) && record.value() != null) {
            MemorySnapshot snapshot = MemorySnapshot.parseFrom(record.value());
            StreamSeen stream = seen.get(snapshot.getStreamId());
            if (stream == null || snapshot.getFramesSeen() < stream.memoryFramesSeen) {
                return;
            }
            stream.memoryLastSeq = snapshot.getLastSeq();
            stream.memoryFramesSeen = snapshot.getFramesSeen();
            if (snapshot.getSlotsCount() > 0) {
                stream.memoryEndMs = snapshot.getSlots(snapshot.getSlotsCount() - 1).getEndMs();
            }
        }
    }

    /** Throws if the watch thread died: the run's figures would be wrong. */
    void check() {
        if (failure != null) {
            throw new IllegalStateException("the run's topic watch failed: " + failure, failure);
        }
    }

    /**
     * Seconds between {@code nowMs} and the capture time of the newest frame in the stream's
     * memory; before the stream has any memory, since its first frame (or since {@code sinceMs},
     * when no frame arrived either), so a stream that never gets through shows as growing lag.
     */
    synchronized double lagSec(String stream, long nowMs, long sinceMs) {
        StreamSeen s = seen.get(stream);
        Long wall = s.memoryLastSeq >= 0 ? s.wallBySeq.get(s.memoryLastSeq) : null;
        long from = wall != null ? wall : s.firstWallMs >= 0 ? s.firstWallMs : sinceMs;
        return Math.max(0, nowMs - from) / 1000.0;
    }

    /** The capture time of the stream's frame at {@code ptsMs}, or -1 when unknown. */
    synchronized long wallAtPts(String stream, long ptsMs) {
        StreamSeen s = seen.get(stream);
        Long wall = s == null ? null : s.wallByPts.get(ptsMs);
        return wall == null ? -1 : wall;
    }

    /** Seconds of footage in the stream's memory so far (0 before any). */
    synchronized double coverageSec(String stream) {
        return seen.get(stream).memoryEndMs / 1000.0;
    }

    synchronized long framesTotal() {
        return framesTotal;
    }

    synchronized long embeddingsTotal() {
        return embeddingsTotal;
    }

    /** Frames in all the run's memories (each stream's {@code frames_seen}). */
    synchronized long memoryFramesTotal() {
        return seen.values().stream().mapToLong(s -> s.memoryFramesSeen).sum();
    }

    synchronized long deadLetters() {
        return deadLetters;
    }

    synchronized List<Gap> embeddingGaps() {
        return List.copyOf(embeddingGaps);
    }

    /** True when every stream's memory holds every frame seen on lw.frames. */
    synchronized boolean memoryCaughtUp() {
        return seen.values().stream().allMatch(s -> s.memoryFramesSeen >= s.frames.cardinality());
    }

    /**
     * The end-of-run check: every frame on lw.frames embedded exactly once (read_committed) and
     * counted exactly once by its memory.
     */
    synchronized LoadReport.Integrity integrity() {
        long frames = 0;
        long embeddings = 0;
        long memory = 0;
        long duplicateFrames = 0;
        long duplicateEmbeddings = 0;
        long missing = 0;
        long unexpected = 0;
        long memoryMismatch = 0;
        for (StreamSeen s : seen.values()) {
            frames += s.frames.cardinality();
            embeddings += s.embedded.cardinality();
            memory += s.memoryFramesSeen;
            duplicateFrames += s.duplicateFrames;
            duplicateEmbeddings += s.duplicateEmbeddings;
            BitSet notEmbedded = (BitSet) s.frames.clone();
            notEmbedded.andNot(s.embedded);
            missing += notEmbedded.cardinality();
            BitSet noFrame = (BitSet) s.embedded.clone();
            noFrame.andNot(s.frames);
            unexpected += noFrame.cardinality();
            memoryMismatch += Math.abs(s.memoryFramesSeen - s.frames.cardinality());
        }
        boolean ok = duplicateFrames == 0 && duplicateEmbeddings == 0 && missing == 0 && unexpected == 0 && memoryMismatch == 0;
        return new LoadReport.Integrity(frames, embeddings, memory, duplicateFrames, duplicateEmbeddings, missing, unexpected,
                memoryMismatch, ok);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}

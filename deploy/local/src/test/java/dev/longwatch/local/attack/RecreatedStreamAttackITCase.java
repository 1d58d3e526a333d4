package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.FrameEmbedding;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attack (and plain bad luck): a stream deleted and created again under the same id, while
 * embeddings of the deleted one were still queued. Those rebuilt a bank for the id, and the new
 * stream's frames, numbered from 0 again, were dropped as duplicates of it: the new stream never
 * had all its frames in memory. Now the late ones are dropped and the new stream keeps every
 * frame, under keyframe URLs of its own.
 */
@ExtendWith(AttackStack.class)
class RecreatedStreamAttackITCase {

    @Test
    void shouldKeepEveryFrameOfAStreamCreatedAgainUnderTheSameId() throws Exception {
        // Given a stream in memory, deleted, with its embeddings of seqs 0..199 arriving late
        JsonNode first = AttackStack.ingestClip("again");
        String oldKeyframe = AttackStack.json(AttackStack.get("/v1/streams/again/memory"))
                .path("slots").get(0).path("keyframeUrl").asText();
        long oldIncarnation = AttackStack.incarnationOf(oldKeyframe);
        assertThat(AttackStack.delete("/v1/streams/again").statusCode()).isEqualTo(204);
        Thread.sleep(2_000); // the deletion is in the memory job (a checkpoint later)
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, AttackStack.bootstrapServers());
        try (KafkaProducer<String, FrameEmbedding> encoder = new KafkaProducer<>(
                props, Topics.EMBEDDINGS.keySerde().serializer(), Topics.EMBEDDINGS.valueSerde().serializer())) {
            for (long seq = 0; seq < 200; seq++) {
                encoder.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "again",
                        LateEmbeddingsAttackITCase.embedding("again", seq, oldIncarnation)));
            }
            encoder.flush();
        }

        // When the stream is created again from the same file
        JsonNode second = AttackStack.ingestClip("again");

        // Then all its frames are in memory, and its keyframes are its own
        assertThat(second.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(second.path("framesInMemory").asLong()).isEqualTo(second.path("framesProduced").asLong())
                .isEqualTo(first.path("framesProduced").asLong());
        String newKeyframe = AttackStack.json(AttackStack.get("/v1/streams/again/memory"))
                .path("slots").get(0).path("keyframeUrl").asText();
        assertThat(AttackStack.incarnationOf(newKeyframe)).isGreaterThan(oldIncarnation);
        assertThat(AttackStack.get(newKeyframe).statusCode()).isEqualTo(200);
        assertThat(AttackStack.get(oldKeyframe).statusCode()).isEqualTo(404);
    }
}

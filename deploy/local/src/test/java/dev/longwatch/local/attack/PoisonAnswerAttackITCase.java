package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.EventAnswer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attack: one record on lw.event-answers that is not an answer (anyone who can write to the
 * topic, or a bug) stopped the SSE feed of every instance for good, and again after every restart
 * for the next day. Now it goes to lw.dlq and the next answer still reaches the SSE client.
 */
@ExtendWith(AttackStack.class)
class PoisonAnswerAttackITCase {

    @Test
    void shouldStillDeliverTheNextAnswerAfterAPoisonRecord() throws Exception {
        // Given an SSE client on a standing question
        AttackStack.post("/v1/streams", Map.of("id", "feed", "uri", "rtsp://camera.example/feed"));
        AttackStack.await("/v1/streams/feed", r -> r.statusCode() == 200);
        String id = AttackStack.json(AttackStack.post("/v1/subscriptions", Map.of("streamId", "feed", "question", "Anyone?")))
                .path("id").asText();
        HttpResponse<java.io.InputStream> events = AttackStack.openEvents(id);
        assertThat(events.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith(": subscription"); // registered
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data:")) {
                        return line;
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        // When lw.event-answers gets garbage, then a good answer
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, AttackStack.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.EVENT_ANSWERS.name(), "feed", new byte[] {0x0F, 0x0F, 0x0F})).get();
            Thread.sleep(1_000);
            producer.send(new ProducerRecord<>(Topics.EVENT_ANSWERS.name(), "feed", EventAnswer.newBuilder()
                    .setId(id + "@1").setSubscriptionId(id).setStreamId("feed").setAtMs(1000).setAnswer("Still here.")
                    .build().toByteArray())).get();
        }

        // Then the client gets the good answer
        assertThat(answer.get(60, TimeUnit.SECONDS)).contains("Still here.");
        events.body().close();
        AttackStack.delete("/v1/streams/feed");
    }
}

package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attack: a web page on any site makes the browser of someone running {@code ./longwatch up} POST
 * to {@code http://127.0.0.1:8080/v1/streams} as {@code text/plain} (a "simple" request: no CORS
 * preflight), registering a stream of the attacker's choosing. Was 201; now 403 for the foreign
 * {@code Origin}, and 415 for any body not sent as JSON.
 */
@ExtendWith(AttackStack.class)
class CrossSitePostAttackITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"id\":\"planted\",\"uri\":\"rtsp://camera.example/live\"}";

    @Test
    void shouldRefuseATextPlainPostFromAForeignPage() throws Exception {
        int port = AttackStack.apiPort();
        RawHttp.Answer answer = RawHttp.send(port, RawHttp.request(
                "POST", "/v1/streams", "127.0.0.1:" + port,
                "Origin: https://attacker.example\nContent-Type: text/plain;charset=UTF-8", BODY));

        assertThat(answer.status()).as(answer.text()).isEqualTo(403);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("origin_not_allowed");
        assertThat(AttackStack.get("/v1/streams/planted").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseABodyThatIsNotSentAsJsonEvenFromThePageItself() throws Exception {
        int port = AttackStack.apiPort();
        RawHttp.Answer form = RawHttp.send(port, RawHttp.request(
                "POST", "/v1/streams", "127.0.0.1:" + port,
                "Origin: http://127.0.0.1:" + port + "\nContent-Type: application/x-www-form-urlencoded", BODY));

        assertThat(form.status()).isEqualTo(415);
        JsonNode error = JSON.readTree(form.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_media_type");
        assertThat(AttackStack.get("/v1/streams/planted").statusCode()).isEqualTo(404);
    }
}

package dev.longwatch.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.schema.StreamIds;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;

/**
 * Every JSON body of the API through the same path a request takes ({@link RequestBodies} with the
 * API's mapper, then each field's check): the answer is a valid value or a 4xx {@link
 * ApiException}, never another exception (which would be a 500). What passes satisfies the
 * rules. The input is the body's bytes as a client sends them (UTF-8).
 */
class RequestBodiesFuzzTest {
    private static final RequestBodies BODIES =
            new RequestBodies(JavalinJackson.defaultMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true));

    private static String body(byte[] input) {
        return new String(input, StandardCharsets.UTF_8);
    }

    private static void refusedAs4xx(ApiException e) {
        assertThat(e.status()).isBetween(400, 499);
        assertThat(e.code()).isNotBlank();
        assertThat(e.getMessage()).isNotNull();
    }

    @FuzzTest(maxDuration = "2m")
    void createStream(byte[] input) {
        try {
            ApiJson.CreateStream request = BODIES.parse(body(input), ApiJson.CreateStream.class);
            if (!StreamIds.isValid(request.id())) {
                return; // the resource answers 400 invalid_id
            }
            SourceUris.check(request.uri());
            double fps = StreamResource.sampleFps(request.sampleFps());
            assertThat(fps).isGreaterThan(0).isLessThanOrEqualTo(StreamResource.MAX_SAMPLE_FPS);
            assertThat(request.uri()).isNotBlank().hasSizeLessThanOrEqualTo(4096);
            assertThat(SourceUris.redact(request.uri())).isNotNull();
        } catch (ApiException e) {
            refusedAs4xx(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void ask(byte[] input) {
        try {
            ApiJson.Ask request = BODIES.parse(body(input), ApiJson.Ask.class);
            String question = Questions.check(request.question());
            assertThat(question).isNotBlank().hasSizeLessThanOrEqualTo(AskService.MAX_QUESTION_CHARS);
            assertThat(Windows.of(request.fromSec(), request.toSec())).isNotNull();
        } catch (ApiException e) {
            refusedAs4xx(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void createSubscription(byte[] input) {
        try {
            ApiJson.CreateSubscription request = BODIES.parse(body(input), ApiJson.CreateSubscription.class);
            if (!StreamIds.isValid(request.streamId())) {
                return; // the resource answers 400 invalid_id
            }
            assertThat(Questions.check(request.question())).isNotBlank();
            assertThat(SubscriptionResource.cooldown(request.cooldownSec())).isBetween(1, SubscriptionResource.MAX_COOLDOWN_SEC);
        } catch (ApiException e) {
            refusedAs4xx(e);
        }
    }
}

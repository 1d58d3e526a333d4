package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.testing.RawHttp;
import dev.longwatch.query.testing.RawHttp.Answer;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error is {@code {"error":{"code","message"}}}, also those Jetty and Javalin raise
 * themselves, sent as raw bytes over a socket (java.net.http will not send most of these).
 */
class JsonErrorsTest {
    @TempDir Path stateDir;
    private TestViews topics;
    private RunningApi api;
    private String host;

    @BeforeEach
    void start() {
        topics = new TestViews(stateDir);
        api = new RunningApi(new ExplodingViews(topics.views()), topics, Optional.empty(), Readiness::isReady);
        host = "127.0.0.1:" + api.port();
        topics.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
    }

    @AfterEach
    void stop() {
        api.close();
        topics.close();
    }

    private Answer send(String request) {
        return RawHttp.send(api.port(), request);
    }

    private static void assertJsonError(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo(code);
        assertThat(answer.json().path("error").path("message").asText()).isNotBlank();
        assertThat(answer.text()).doesNotContain("<html", "Exception", "at dev.", "at io.");
    }

    @Test
    void shouldAnswerAnUnknownRouteWith404Json() {
        assertJsonError(send(RawHttp.request("GET", "/no/such/route", host, "", null)), 404, "not_found");
        assertJsonError(send(RawHttp.request("GET", "/v1/nothing", host, "Accept: text/html", null)), 404, "not_found");
    }

    @Test
    void shouldAnswerAWrongMethodWith405Json() {
        Answer answer = send(RawHttp.request("PUT", "/v1/streams", host, "Content-Type: application/json", "{}"));
        assertJsonError(answer, 405, "method_not_allowed");
    }

    @Test
    void shouldAnswerATooLargeBodyWith413JsonWithOrWithoutLength() {
        String big = "{\"id\":\"" + "x".repeat(HttpApi.MAX_BODY_BYTES) + "\"}";
        assertJsonError(
                send(RawHttp.request("POST", "/v1/streams", host, "Content-Type: application/json", big)),
                413,
                "body_too_large");

        StringBuilder chunked =
                new StringBuilder("POST /v1/streams HTTP/1.1\r\nHost: " + host
                        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 20; i++) {
            String chunk = "x".repeat(8192);
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        assertJsonError(send(chunked.toString()), 413, "body_too_large");
    }

    @Test
    void shouldAnswerAnotherContentTypeWith415Json() {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx")) {
            Answer answer =
                    send(RawHttp.request("POST", "/v1/streams", host, "Content-Type: " + type, "{\"id\":\"a\",\"uri\":\"/x.mp4\"}"));
            assertJsonError(answer, 415, "unsupported_media_type");
        }
        assertJsonError(send(RawHttp.request("POST", "/v1/subscriptions", host, "", "{}")), 415, "unsupported_media_type");
        Answer withCharset =
                send(RawHttp.request(
                        "POST", "/v1/streams", host, "Content-Type: Application/JSON; charset=UTF-8",
                        "{\"id\":\"cam-2\",\"uri\":\"rtsp://cam.local/live\"}"));
        assertThat(withCharset.status()).as(withCharset.text()).isEqualTo(201);
    }

    @Test
    void shouldAnswerMalformedJsonWith400Json() {
        assertJsonError(
                send(RawHttp.request("POST", "/v1/streams", host, "Content-Type: application/json", "{\"id\": ")),
                400,
                "invalid_json");
        assertJsonError(
                send(RawHttp.request("POST", "/v1/streams", host, "Content-Type: application/json", "[1,2]")),
                400,
                "invalid_json");
    }

    @Test
    void shouldAnswerHeadersTooLargeWith431Json() {
        Answer answer = send(RawHttp.request("GET", "/v1/streams", host, "X-Filler: " + "y".repeat(64 * 1024), null));
        assertJsonError(answer, 431, "headers_too_large");
    }

    @Test
    void shouldAnswerAUriTooLongWith414Json() {
        Answer answer = send(RawHttp.request("GET", "/v1/streams/" + "z".repeat(64 * 1024), host, "", null));
        assertThat(answer.status()).isIn(414, 431);
        assertJsonError(answer, answer.status(), answer.status() == 414 ? "uri_too_long" : "headers_too_large");
    }

    @Test
    void shouldAnswerAMalformedRequestWith400Json() {
        assertJsonError(send("GARBAGE\r\n\r\n"), 400, "bad_request");
        assertJsonError(send("GET /v1/streams HTTP/1.1\r\nHost: " + host + "\r\nBad Header Line\r\nConnection: close\r\n\r\n"), 400, "bad_request");
        Answer badLength =
                RawHttp.send(api.port(), ("POST /v1/streams HTTP/1.1\r\nHost: " + host
                        + "\r\nContent-Type: application/json\r\nContent-Length: nope\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
        assertJsonError(badLength, 400, "bad_request");
    }

    @Test
    void shouldAnswerAnUnexpectedFailureWith500JsonWithoutDetails() {
        Answer answer = send(RawHttp.request("GET", "/v1/streams/boom", host, "", null));
        assertJsonError(answer, 500, "internal");
        assertThat(answer.text()).doesNotContain("secret detail");
    }

    /** Views that fail the way a bug would for the stream "boom". */
    private record ExplodingViews(MemoryViews delegate) implements MemoryViews {
        @Override
        public Optional<MemorySnapshot> memory(String streamId) {
            return delegate.memory(streamId);
        }

        @Override
        public List<Chapter> chapters(String streamId) {
            return delegate.chapters(streamId);
        }

        @Override
        public Optional<StreamSpec> spec(String streamId) {
            if (streamId.equals("boom")) {
                throw new IllegalStateException("secret detail of a bug");
            }
            return delegate.spec(streamId);
        }

        @Override
        public Optional<StreamStatus> status(String streamId) {
            return delegate.status(streamId);
        }

        @Override
        public List<StreamSpec> specs() {
            return delegate.specs();
        }

        @Override
        public Optional<byte[]> frameJpeg(String streamId, long incarnation, long seq) {
            return delegate.frameJpeg(streamId, incarnation, seq);
        }
    }
}

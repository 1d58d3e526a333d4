package dev.longwatch.query.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.query.testing.FakeOpenAiServer.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiChatModelTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};

    private final FakeOpenAiServer server = new FakeOpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private ChatModel model(int maxRetries, Duration timeout) {
        return new OpenAiChatModel(
                new LlmSettings(Optional.of(server.baseUrl()), "fake-vlm", "test-key", timeout, maxRetries));
    }

    private static ChatPrompt prompt() {
        return new ChatPrompt(
                "You see keyframes.",
                List.of(new ChatPrompt.Text("Slot 1: 0.0s-6.0s (6 frames)"), new ChatPrompt.JpegImage("Slot 1", JPEG), new ChatPrompt.Text("Question: who?")));
    }

    @Test
    void shouldSendSystemTextAndJpegDataUrlsAndReadTheCompletion() {
        server.reply(Reply.completion("A cat [0.0s-6.0s]."));

        ChatResponse response;
        try (ChatModel model = model(0, Duration.ofSeconds(30))) {
            response = model.generate(prompt());
        }

        assertThat(server.requests()).hasSize(1);
        JsonNode request = server.requests().get(0);
        assertThat(request.path("model").asText()).isEqualTo("fake-vlm");
        assertThat(FakeOpenAiServer.systemText(request)).isEqualTo("You see keyframes.");
        assertThat(FakeOpenAiServer.userParts(request).findValuesAsText("type")).containsExactly("text", "image_url", "text");
        assertThat(FakeOpenAiServer.images(request)).singleElement().satisfies(image -> {
            assertThat(image.markerBefore()).isEqualTo("Slot 1: 0.0s-6.0s (6 frames)");
            assertThat(image.jpeg()).isEqualTo(JPEG);
        });
        assertThat(server.authorizations()).containsExactly("Bearer test-key");
        assertThat(response.text()).isEqualTo("A cat [0.0s-6.0s].");
        assertThat(response.model()).isEqualTo("fake-vlm-served");
        assertThat(response.finishReason()).isEqualTo(ChatResponse.FinishReason.STOP);
        assertThat(response.promptTokens()).isEqualTo(321);
        assertThat(response.completionTokens()).isEqualTo(12);
        assertThat(response.latencyMs()).isNotNegative();
    }

    @Test
    void shouldRetryThenFailClearlyOnServerError() {
        server.reply(Reply.status(500, "{\"error\":{\"message\":\"model crashed\",\"type\":\"server_error\"}}"));

        try (ChatModel model = model(1, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> model.generate(prompt()))
                    .isInstanceOf(ChatModelException.class)
                    .hasMessageContaining("500");
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void shouldFailClearlyOnReplyThatIsNotJson() {
        server.reply(Reply.status(200, "<html>gateway says hi</html>"));

        try (ChatModel model = model(0, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> model.generate(prompt()))
                    .isInstanceOf(ChatModelException.class)
                    .hasMessageContaining(server.baseUrl())
                    .hasMessageContaining("Error reading response: Unexpected character");
        }
    }

    @Test
    void shouldFailClearlyOnCompletionWithoutChoices() {
        server.reply(Reply.status(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[]}"));

        try (ChatModel model = model(0, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> model.generate(prompt()))
                    .isInstanceOf(ChatModelException.class)
                    .hasMessageContaining("no choices");
        }
    }

    @Test
    void shouldGiveUpWhenServerNeverAnswers() {
        server.reply(Reply.never());

        try (ChatModel model = model(0, Duration.ofMillis(300))) {
            assertThatThrownBy(() -> model.generate(prompt()))
                    .isInstanceOf(ChatModelException.class)
                    .hasMessageContaining("timed out after 300 ms");
        }
    }
}

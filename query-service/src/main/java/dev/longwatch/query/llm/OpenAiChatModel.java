package dev.longwatch.query.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.longwatch.query.config.LlmSettings;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@link ChatModel} on any OpenAI-compatible chat-completions endpoint, through the official
 * SDK. Images go as {@code image_url} parts holding {@code data:image/jpeg;base64,...} URLs, so
 * the server needs no access to this service.
 */
public final class OpenAiChatModel implements ChatModel {
    private final OpenAIClient client;
    private final String model;
    private final String baseUrl;
    private final Duration timeout;

    public OpenAiChatModel(LlmSettings settings) {
        String url =
                settings.url()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "no LLM URL configured (" + LlmSettings.ENV_URL + ")"));
        this.model = settings.model();
        this.baseUrl = url;
        this.timeout = settings.timeout();
        // The SDK takes its timeouts from a client it is given, so they are set here.
        okhttp3.OkHttpClient http =
                new okhttp3.OkHttpClient.Builder()
                        .socketFactory(new NoDelaySocketFactory())
                        .connectTimeout(settings.timeout())
                        .readTimeout(settings.timeout())
                        .writeTimeout(settings.timeout())
                        .callTimeout(settings.timeout())
                        .build();
        this.client =
                OpenAIOkHttpClient.builder()
                        .okHttpClient(http)
                        .baseUrl(url)
                        .apiKey(settings.apiKey())
                        .maxRetries(settings.maxRetries())
                        .build();
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public ChatResponse generate(ChatPrompt prompt) {
        ChatCompletionCreateParams.Builder builder =
                ChatCompletionCreateParams.builder()
                        .model(model)
                        .addSystemMessage(prompt.system())
                        .addUserMessageOfArrayOfContentParts(contentParts(prompt.parts()));
        prompt.responseSchema().ifPresent(schema -> builder.responseFormat(responseFormat(schema)));
        ChatCompletionCreateParams params = builder.build();
        long start = System.nanoTime();
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params);
        } catch (OpenAIServiceException e) {
            throw new ChatModelException(
                    "LLM server answered HTTP " + e.statusCode() + ": " + e.getMessage(), e);
        } catch (OpenAIException e) {
            // I/O errors, timeouts and replies that are not chat completions.
            if (timedOut(e)) {
                throw new ChatModelException(
                        "LLM call to " + baseUrl + " timed out after " + timeout.toMillis() + " ms", e);
            }
            throw new ChatModelException("LLM call to " + baseUrl + " failed: " + describe(e), e);
        }
        long latencyMs = (System.nanoTime() - start) / 1_000_000;
        return toResponse(completion, latencyMs);
    }

    private ChatResponse toResponse(ChatCompletion completion, long latencyMs) {
        try {
            if (completion.choices().isEmpty()) {
                throw new ChatModelException("LLM reply has no choices");
            }
            ChatCompletion.Choice choice = completion.choices().get(0);
            String text =
                    choice.message()
                            .content()
                            .or(() -> choice.message().refusal())
                            .orElseThrow(() -> new ChatModelException("LLM reply has no content"));
            long promptTokens =
                    completion.usage().map(CompletionUsage::promptTokens).orElse(-1L);
            long completionTokens =
                    completion.usage().map(CompletionUsage::completionTokens).orElse(-1L);
            return new ChatResponse(
                    text,
                    completion._model().asKnown().orElse(model),
                    choice._finishReason()
                            .asKnown()
                            .map(OpenAiChatModel::finishReason)
                            .orElse(ChatResponse.FinishReason.OTHER),
                    promptTokens,
                    completionTokens,
                    latencyMs);
        } catch (OpenAIException e) {
            // The SDK validates lazily: a missing required field surfaces on first access.
            throw new ChatModelException("LLM reply is not a valid chat completion: " + e.getMessage(), e);
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedIOException) {
                return true; // OkHttp's call timeout and socket timeouts both are one
            }
        }
        return false;
    }

    /** The messages of the cause chain, so "Error reading response" says what was wrong. */
    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && out.indexOf(message) < 0) {
                out.append(": ").append(message.lines().findFirst().orElse(message));
            }
        }
        return out.toString();
    }

    private static ResponseFormatJsonSchema responseFormat(ChatPrompt.ResponseSchema schema) {
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder body =
                ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        schema.schema().forEach((key, value) -> body.putAdditionalProperty(key, JsonValue.from(value)));
        return ResponseFormatJsonSchema.builder()
                .jsonSchema(
                        ResponseFormatJsonSchema.JsonSchema.builder()
                                .name(schema.name())
                                .schema(body.build())
                                .strict(true)
                                .build())
                .build();
    }

    private static List<ChatCompletionContentPart> contentParts(List<ChatPrompt.Part> parts) {
        List<ChatCompletionContentPart> out = new ArrayList<>(parts.size());
        for (ChatPrompt.Part part : parts) {
            if (part instanceof ChatPrompt.Text text) {
                out.add(
                        ChatCompletionContentPart.ofText(
                                ChatCompletionContentPartText.builder().text(text.text()).build()));
            } else if (part instanceof ChatPrompt.JpegImage image) {
                String dataUrl =
                        "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(image.jpeg());
                out.add(
                        ChatCompletionContentPart.ofImageUrl(
                                ChatCompletionContentPartImage.builder()
                                        .imageUrl(
                                                ChatCompletionContentPartImage.ImageUrl.builder()
                                                        .url(dataUrl)
                                                        .build())
                                        .build()));
            }
        }
        return out;
    }

    private static ChatResponse.FinishReason finishReason(ChatCompletion.Choice.FinishReason reason) {
        return switch (reason.value()) {
            case STOP -> ChatResponse.FinishReason.STOP;
            case LENGTH -> ChatResponse.FinishReason.LENGTH;
            case CONTENT_FILTER -> ChatResponse.FinishReason.CONTENT_FILTER;
            default -> ChatResponse.FinishReason.OTHER;
        };
    }

    @Override
    public void close() {
        client.close();
    }
}

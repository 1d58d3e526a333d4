package dev.longwatch.query.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the language model behind {@code ask} lives. Any OpenAI-compatible chat-completions
 * endpoint works (OpenAI, vLLM, llama.cpp server, Ollama's /v1, ...).
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #ENV_URL}</td><td>unset</td><td>base URL, e.g. {@code
 *       http://localhost:8000/v1}; unset means no model: {@code ask} answers in evidence-only
 *       mode</td></tr>
 *   <tr><td>{@value #ENV_MODEL}</td><td>{@value #DEFAULT_MODEL}</td><td>model name sent with
 *       each request</td></tr>
 *   <tr><td>{@value #ENV_API_KEY}</td><td>{@value #DEFAULT_API_KEY}</td><td>bearer token; local
 *       servers usually ignore it</td></tr>
 *   <tr><td>{@value #ENV_TIMEOUT_S}</td><td>60</td><td>per-request timeout in seconds</td></tr>
 *   <tr><td>{@value #ENV_MAX_RETRIES}</td><td>2</td><td>retries on connection errors, 408, 409,
 *       429 and 5xx (with exponential backoff)</td></tr>
 *   <tr><td>{@value #ENV_MAX_CONCURRENT}</td><td>4</td><td>model calls at once; a request
 *       that cannot get a slot within a second is answered 503 {@code llm_busy}</td></tr>
 * </table>
 *
 * @param url base URL of the OpenAI-compatible API; empty means no model is configured
 * @param model model name
 * @param apiKey API key sent as a bearer token
 * @param timeout timeout of one request, retries not included
 * @param maxRetries how many times a failed request is retried
 * @param maxConcurrent how many model calls may run at once; more wait briefly, then get 503
 */
public record LlmSettings(
        Optional<String> url,
        String model,
        String apiKey,
        Duration timeout,
        int maxRetries,
        int maxConcurrent) {
    public static final String ENV_URL = "LONGWATCH_LLM_URL";
    public static final String ENV_MODEL = "LONGWATCH_LLM_MODEL";
    public static final String ENV_API_KEY = "LONGWATCH_LLM_API_KEY";
    public static final String ENV_TIMEOUT_S = "LONGWATCH_LLM_TIMEOUT_S";
    public static final String ENV_MAX_RETRIES = "LONGWATCH_LLM_MAX_RETRIES";
    public static final String ENV_MAX_CONCURRENT = "LONGWATCH_LLM_MAX_CONCURRENT";

    public static final String DEFAULT_MODEL = "gpt-4o-mini";
    /** The SDK insists on a key; servers without auth accept any value. */
    public static final String DEFAULT_API_KEY = "none";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final int DEFAULT_MAX_CONCURRENT = 4;

    public LlmSettings {
        Objects.requireNonNull(url, "url");
        url = url.map(String::strip).filter(u -> !u.isEmpty());
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("LLM model name must not be blank");
        }
        Objects.requireNonNull(apiKey, "apiKey");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("LLM timeout must be positive, got " + timeout);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("LLM maxRetries must be >= 0, got " + maxRetries);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("LLM maxConcurrent must be >= 1, got " + maxConcurrent);
        }
    }

    /** Settings with the default concurrency limit. */
    public LlmSettings(Optional<String> url, String model, String apiKey, Duration timeout, int maxRetries) {
        this(url, model, apiKey, timeout, maxRetries, DEFAULT_MAX_CONCURRENT);
    }

    public LlmSettings withMaxConcurrent(int newMaxConcurrent) {
        return new LlmSettings(url, model, apiKey, timeout, maxRetries, newMaxConcurrent);
    }

    /** No model: {@code ask} answers in evidence-only mode. */
    public static LlmSettings none() {
        return new LlmSettings(
                Optional.empty(), DEFAULT_MODEL, DEFAULT_API_KEY, DEFAULT_TIMEOUT, DEFAULT_MAX_RETRIES);
    }

    /** A model at {@code url} with the default key, timeout and retries. */
    public static LlmSettings of(String url, String model) {
        return new LlmSettings(
                Optional.of(url), model, DEFAULT_API_KEY, DEFAULT_TIMEOUT, DEFAULT_MAX_RETRIES);
    }

    /** Reads the process environment; see the class comment for the variables. */
    public static LlmSettings fromEnv() {
        return fromEnv(System.getenv());
    }

    /** Reads the given environment; unset or blank variables take their defaults. */
    public static LlmSettings fromEnv(Map<String, String> env) {
        return new LlmSettings(
                Optional.ofNullable(env.get(ENV_URL)),
                value(env, ENV_MODEL).orElse(DEFAULT_MODEL),
                value(env, ENV_API_KEY).orElse(DEFAULT_API_KEY),
                value(env, ENV_TIMEOUT_S)
                        .map(s -> Duration.ofMillis(Math.round(parse(ENV_TIMEOUT_S, s) * 1000)))
                        .orElse(DEFAULT_TIMEOUT),
                value(env, ENV_MAX_RETRIES)
                        .map(s -> (int) parse(ENV_MAX_RETRIES, s))
                        .orElse(DEFAULT_MAX_RETRIES),
                value(env, ENV_MAX_CONCURRENT)
                        .map(s -> (int) parse(ENV_MAX_CONCURRENT, s))
                        .orElse(DEFAULT_MAX_CONCURRENT));
    }

    public boolean configured() {
        return url.isPresent();
    }

    private static Optional<String> value(Map<String, String> env, String key) {
        return Optional.ofNullable(env.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static double parse(String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + value + "'", e);
        }
    }

    /** The API key never goes to logs. */
    @Override
    public String toString() {
        return "LlmSettings[url="
                + url.orElse("<none>")
                + ", model="
                + model
                + ", timeout="
                + timeout
                + ", maxRetries="
                + maxRetries
                + ", maxConcurrent="
                + maxConcurrent
                + "]";
    }
}

package dev.longwatch.query.config;

import dev.longwatch.query.auth.ApiTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the {@value ApiTokens#ENV} specification comes from: the variable itself, or a file named
 * by {@value QueryServiceSettings#ENV_API_TOKENS_FILE} (a secret in a file is not in every child
 * process's environment nor in {@code ps e}). The file holds the same {@code token=scope[,scope]}
 * entries, separated by {@code ;} or newlines; lines starting with {@code #} are comments.
 */
public final class ApiTokenSources {
    private ApiTokenSources() {}

    /**
     * The token specification from {@code inline} or the file; blank when neither is given.
     *
     * @throws IllegalArgumentException when both are given, or the file cannot be read
     */
    public static String read(String inline, Optional<String> file) {
        boolean hasInline = inline != null && !inline.isBlank();
        if (file.isEmpty()) {
            return hasInline ? inline : "";
        }
        if (hasInline) {
            throw new IllegalArgumentException(
                    "set " + ApiTokens.ENV + " or " + QueryServiceSettings.ENV_API_TOKENS_FILE + ", not both");
        }
        return fromFile(Path.of(file.get()));
    }

    /** The entries of a tokens file as one {@value ApiTokens#ENV} value. */
    public static String fromFile(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.joining(";"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the API tokens file " + file + ": " + e.getMessage(), e);
        }
    }
}

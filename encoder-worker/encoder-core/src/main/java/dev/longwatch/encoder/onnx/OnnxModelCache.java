package dev.longwatch.encoder.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edited copies of ONNX models, on disk next to nothing else: keyed by the hash of the original
 * bytes and the exposed tensor, so an edit is made once and a changed model never reuses a stale
 * copy. Files are written to a temporary name and moved into place, so concurrent workers never
 * read half a model.
 */
public final class OnnxModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModelCache.class);

    private OnnxModelCache() {}

    /** Default cache directory: {@code ${java.io.tmpdir}/longwatch-models}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "longwatch-models");
    }

    /**
     * What names files made from a model: its file name without {@code .onnx} and a prefix of
     * the hash of its bytes, so a changed model never reuses a stale copy or engine.
     */
    public static String modelKey(Path model, byte[] bytes) {
        return model.getFileName().toString().replaceFirst("\\.onnx$", "") + "-" + sha256(bytes).substring(0, 16);
    }

    /**
     * {@code cacheDir/key.onnx}: a copy of the model parsed as {@code graph} whose only output
     * is {@code tensor}, channels-last if asked ({@link OnnxGraph#withTokenOutput}), made on first
     * use.
     */
    public static Path withTokenOutput(String key, OnnxGraph graph, String tensor, boolean channelsLast, Path cacheDir) {
        Path cached = cacheDir.resolve(key + ".onnx");
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        byte[] edited = graph.withTokenOutput(tensor, channelsLast);
        try {
            Files.createDirectories(cacheDir);
            Path temp = Files.createTempFile(cacheDir, key, ".part");
            Files.write(temp, edited);
            Files.move(temp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + cached, e);
        }
        LOG.info("tensor '{}'{} as the only output: {}", tensor, channelsLast ? " channels-last" : "", cached);
        return cached;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

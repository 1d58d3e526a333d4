package dev.longwatch.bench;

import dev.longwatch.encoder.VisionEncoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Encoded clips on disk, so a second run of {@code bench fidelity} (another rule, another seed)
 * decodes and encodes nothing: MobileNetV2 over the shared clips is most of a short run. An entry is
 * named by the SHA-256 of the clip's bytes, the encoder's id and shape, what the model file is
 * (its size and modification time, as {@code modelTag}) and the sampling rate, so a changed clip or
 * model is encoded again rather than read stale. Written to a temporary file and moved into place,
 * so an interrupted run leaves no half entry.
 */
final class EmbeddingCache {
    private static final int MAGIC = 0x4c57_4543; // "LWEC"

    private final Path dir;

    EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    /** The clip from the cache, or decoded, encoded and stored there. */
    EncodedClip encode(Path file, VisionEncoder encoder, String modelTag, double sampleFps) throws IOException {
        Path entry = dir.resolve(key(file, encoder, modelTag, sampleFps) + ".bin");
        if (Files.isRegularFile(entry)) {
            return read(entry, file.getFileName().toString());
        }
        EncodedClip clip = EncodedClip.encode(file, encoder, sampleFps);
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, "entry-", ".part");
        write(partial, clip);
        Files.move(partial, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return clip;
    }

    private static String key(Path file, VisionEncoder encoder, String modelTag, double sampleFps) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Files.readAllBytes(file));
            String identity = encoder.id() + "|" + encoder.tokens() + "x" + encoder.dim() + "|" + modelTag + "|" + sampleFps;
            digest.update(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static void write(Path path, EncodedClip clip) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path)))) {
            out.writeInt(MAGIC);
            out.writeLong(clip.frameIntervalMs());
            out.writeLong(clip.durationMs());
            out.writeInt(clip.ptsMs().size());
            out.writeInt(clip.tokens().get(0).length);
            ByteBuffer bytes = ByteBuffer.allocate(clip.tokens().get(0).length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < clip.ptsMs().size(); i++) {
                out.writeLong(clip.ptsMs().get(i));
                bytes.clear();
                bytes.asFloatBuffer().put(clip.tokens().get(i));
                out.write(bytes.array());
            }
        }
    }

    private static EncodedClip read(Path path, String name) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(path + " is not an embedding cache entry; delete it");
            }
            long intervalMs = in.readLong();
            long durationMs = in.readLong();
            int frames = in.readInt();
            int values = in.readInt();
            List<Long> pts = new ArrayList<>(frames);
            List<float[]> tokens = new ArrayList<>(frames);
            byte[] raw = new byte[values * Float.BYTES];
            for (int i = 0; i < frames; i++) {
                pts.add(in.readLong());
                in.readFully(raw);
                float[] frame = new float[values];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(frame);
                tokens.add(frame);
            }
            return new EncodedClip(name, pts, tokens, intervalMs, durationMs);
        }
    }
}

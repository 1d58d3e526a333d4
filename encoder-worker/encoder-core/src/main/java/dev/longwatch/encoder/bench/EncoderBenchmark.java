package dev.longwatch.encoder.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.onnx.OnnxEncoder;
import dev.longwatch.encoder.preprocess.PreprocessSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code ./longwatch bench encoder --json FILE}: frames per second of the {@code onnx} encoder
 * (preprocessing from 640×360 frames, inference, token extraction) against a bare ONNX Runtime
 * session running the same model and output on the same batches, already preprocessed, in the
 * same run. {@code ratio = framesPerSec / rawFramesPerSec}; the target is ≥ 0.8.
 *
 * <p>The two are measured in alternating one-second rounds so that a noisy neighbour on the
 * machine slows both alike; each figure is the median of five rounds. This is a timed loop, not JMH: model calls take
 * milliseconds, far above timer and JIT noise once warmed up.
 */
public final class EncoderBenchmark {
    static final int[] BATCHES = {1, 8, 16};
    private static final int ROUNDS = 5;
    private static final Duration DEFAULT_ROUND = Duration.ofSeconds(1);
    private static final int FRAME_WIDTH = 640;
    private static final int FRAME_HEIGHT = 360;

    /** One line of the JSON. */
    public record Result(String backend, int batch, double framesPerSec, double rawFramesPerSec, double ratio) {}

    private EncoderBenchmark() {}

    /**
     * Runs batches 1, 8 and 16 on {@code model} (its feature map, as the encoder's defaults pick
     * it), writes {@code {"results":[...]}} to {@code jsonOut} and reports progress.
     */
    public static List<Result> run(Path model, Path jsonOut, PrintStream progress) {
        return run(model, jsonOut, progress, DEFAULT_ROUND);
    }

    /** As {@link #run(Path, Path, PrintStream)} with rounds of {@code round} each (tests use short ones). */
    static List<Result> run(Path model, Path jsonOut, PrintStream progress, Duration round) {
        long roundNanos = round.toNanos();
        List<Result> results = new ArrayList<>();
        int maxBatch = BATCHES[BATCHES.length - 1];
        try (OnnxEncoder encoder = OnnxEncoder.open(EncoderConfig.onnx(model).withMaxBatch(maxBatch));
                RawSession raw = new RawSession(encoder)) {
            progress.printf("encoder %s: %d tokens x %d, output '%s'%n",
                    encoder.id(), encoder.tokens(), encoder.dim(), encoder.outputName());
            List<BufferedImage> frames = frames(maxBatch);
            for (int batch : BATCHES) {
                List<BufferedImage> images = frames.subList(0, batch);
                float[] tensor = raw.preprocess(images);
                encoder.encode(images); // warm-up: JIT, allocator, ORT arenas
                raw.run(tensor, batch);
                double[] encoded = new double[ROUNDS];
                double[] bare = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    encoded[r] = framesPerSecond(batch, roundNanos, () -> encoder.encode(images));
                    bare[r] = framesPerSecond(batch, roundNanos, () -> raw.run(tensor, batch));
                }
                double fps = median(encoded);
                double rawFps = median(bare);
                Result result = new Result("onnx", batch, round1(fps), round1(rawFps), Math.round(fps / rawFps * 1000) / 1000.0);
                progress.printf("batch %2d: encoder %.1f frames/s, bare session %.1f frames/s, ratio %.3f%n",
                        batch, result.framesPerSec(), result.rawFramesPerSec(), result.ratio());
                results.add(result);
            }
        }
        write(jsonOut, model, results);
        return results;
    }

    /** {@code java ... EncoderBenchmark MODEL JSON_OUT} */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: EncoderBenchmark MODEL.onnx OUT.json");
            System.exit(2);
        }
        run(Path.of(args[0]), Path.of(args[1]), System.out);
    }

    private static double framesPerSecond(int batch, long roundNanos, Runnable call) {
        long start = System.nanoTime();
        long frames = 0;
        long elapsed;
        do {
            call.run();
            frames += batch;
            elapsed = System.nanoTime() - start;
        } while (elapsed < roundNanos);
        return frames * 1e9 / elapsed;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static void write(Path jsonOut, Path model, List<Result> results) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "encoder");
        json.put("model", model.toString());
        json.put("frame", FRAME_WIDTH + "x" + FRAME_HEIGHT);
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("results", results);
        try {
            if (jsonOut.toAbsolutePath().getParent() != null) {
                Files.createDirectories(jsonOut.toAbsolutePath().getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonOut.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jsonOut, e);
        }
    }

    /** Camera-sized frames with some structure, so that preprocessing does real work. */
    static List<BufferedImage> frames(int count) {
        Random random = new Random(42);
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(FRAME_WIDTH, FRAME_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
            for (int s = 0; s < 12; s++) {
                g.setColor(new Color(random.nextInt(0xffffff)));
                g.fillOval(random.nextInt(FRAME_WIDTH), random.nextInt(FRAME_HEIGHT), 40 + random.nextInt(160), 40 + random.nextInt(120));
            }
            g.dispose();
            frames.add(image);
        }
        return frames;
    }

    /** The reference: a plain session on the encoder's model file, output and settings, fed ready tensors. */
    private static final class RawSession implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final String input;
        private final String output;
        private final PreprocessSpec spec;
        private final OnnxEncoder encoder;

        RawSession(OnnxEncoder encoder) {
            this.encoder = encoder;
            this.output = encoder.outputName();
            this.spec = encoder.preprocessor().spec();
            // The same session settings as the encoder's, so the ratio isolates what the encoder
            // adds: preprocessing, copies and token extraction.
            try (OrtSession.SessionOptions options = OnnxEncoder.sessionOptions()) {
                this.session = env.createSession(encoder.sessionModel().toString(), options);
                this.input = session.getInputNames().iterator().next();
            } catch (OrtException e) {
                throw new IllegalStateException("cannot open the reference session: " + e.getMessage(), e);
            }
        }

        float[] preprocess(List<BufferedImage> images) {
            float[] tensor = new float[images.size() * spec.floatsPerFrame()];
            for (int i = 0; i < images.size(); i++) {
                encoder.preprocessor().writeNchw(images.get(i), tensor, i * spec.floatsPerFrame());
            }
            return tensor;
        }

        void run(float[] tensor, int batch) {
            long[] shape = {batch, 3, spec.cropHeight(), spec.cropWidth()};
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(tensor), shape);
                    OrtSession.Result result = session.run(Map.of(input, in), Set.of(output))) {
                result.get(0);
            } catch (OrtException e) {
                throw new IllegalStateException("reference session failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

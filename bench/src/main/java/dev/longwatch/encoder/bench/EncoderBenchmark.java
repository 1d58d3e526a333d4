package dev.longwatch.encoder.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.FrameEmbedder;
import dev.longwatch.encoder.onnx.OnnxEncoder;
import dev.longwatch.encoder.preprocess.ImagePreprocessor;
import dev.longwatch.encoder.preprocess.PreprocessSpec;
import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.Frame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * {@code ./longwatch bench encoder --json FILE}: frames per second of the {@code onnx} encoder
 * (preprocessing from 640×360 frames, inference, token extraction) against a bare ONNX Runtime
 * session running the same model and output, with the same session options, on the same
 * batches, already preprocessed into input tensors built before timing, in the same run.
 * {@code ratio = framesPerSec / rawFramesPerSec}; the target is ≥ 0.8.
 *
 * <p>Also, as {@code workerPath}, the encoder worker's whole work on a poll but Kafka's
 * ({@link FrameEmbedder}: parsing {@code lw.frames} values, decoding their JPEGs, encoding,
 * packing fp16 embeddings), on the same frames as JPEGs of the ingest's default quality,
 * against the same bare session.
 *
 * <p>All sides are warmed up, then measured in {@value #ROUNDS} rounds of short blocks, each
 * round starting with the next side (A B C, B C A, ...), so that load from other processes on
 * the machine drifts over all alike; each figure is the median of its blocks. This is a timed
 * loop, not JMH: model calls take milliseconds, far above timer and JIT noise once warmed up.
 */
public final class EncoderBenchmark {
    static final int[] BATCHES = {1, 8, 16};
    private static final int ROUNDS = 10;
    /** The ingest's default JPEG quality ({@code IngestSettings}). */
    private static final float JPEG_QUALITY = 0.85f;
    private static final Duration DEFAULT_BLOCK = Duration.ofMillis(400);
    private static final int FRAME_WIDTH = 640;
    private static final int FRAME_HEIGHT = 360;

    /** One line of the JSON. */
    public record Result(String backend, int batch, double framesPerSec, double rawFramesPerSec, double ratio) {}

    /** One line of {@code workerPath}: JPEG frame values to fp16 embeddings. */
    public record WorkerResult(int batch, double framesPerSec, double rawFramesPerSec, double ratio) {}

    private EncoderBenchmark() {}

    /**
     * Runs batches 1, 8 and 16 on {@code model} (its feature map, as the encoder's defaults pick
     * it), writes {@code {"results":[...]}} to {@code jsonOut} and reports progress.
     */
    public static List<Result> run(Path model, Path jsonOut, PrintStream progress) {
        return run(model, jsonOut, progress, DEFAULT_BLOCK);
    }

    /** As {@link #run(Path, Path, PrintStream)} with blocks of {@code block} each (tests use short ones). */
    static List<Result> run(Path model, Path jsonOut, PrintStream progress, Duration block) {
        long blockNanos = block.toNanos();
        List<Result> results = new ArrayList<>();
        List<WorkerResult> workerResults = new ArrayList<>();
        int maxBatch = BATCHES[BATCHES.length - 1];
        Map<String, Object> cpu = new LinkedHashMap<>();
        try (OnnxEncoder encoder = OnnxEncoder.open(EncoderConfig.onnx(model).withMaxBatch(maxBatch));
                RawSession raw = new RawSession(encoder)) {
            progress.printf("encoder %s: %d tokens x %d, output '%s'%n",
                    encoder.id(), encoder.tokens(), encoder.dim(), encoder.outputName());
            List<BufferedImage> frames = frames(maxBatch);
            List<byte[]> frameValues = frameValues(frames);
            for (int batch : BATCHES) {
                List<BufferedImage> images = frames.subList(0, batch);
                List<byte[]> values = frameValues.subList(0, batch);
                try (OnnxTensor tensor = raw.tensor(images);
                        FrameEmbedder embedder = new FrameEmbedder(encoder, batch, new SimpleMeterRegistry())) {
                    List<Runnable> sides = List.of(
                            () -> encoder.encode(images), () -> raw.run(tensor), () -> embedder.embed(values));
                    double[][] fps = new double[sides.size()][ROUNDS];
                    for (Runnable side : sides) { // warm-up: JIT, allocator, ORT arenas
                        framesPerSecond(batch, blockNanos, side);
                    }
                    for (int round = 0; round < ROUNDS; round++) {
                        for (int k = 0; k < sides.size(); k++) {
                            int side = (round + k) % sides.size();
                            fps[side][round] = framesPerSecond(batch, blockNanos, sides.get(side));
                        }
                    }
                    double encoded = median(fps[0]);
                    double bare = median(fps[1]);
                    double worker = median(fps[2]);
                    Result result = new Result("onnx", batch, round1(encoded), round1(bare), ratio(encoded, bare));
                    progress.printf("batch %2d: encoder %.1f frames/s, bare session %.1f frames/s, ratio %.3f"
                                    + " (blocks: encoder %.0f-%.0f, bare %.0f-%.0f)%n",
                            batch, result.framesPerSec(), result.rawFramesPerSec(), result.ratio(),
                            min(fps[0]), max(fps[0]), min(fps[1]), max(fps[1]));
                    results.add(result);
                    WorkerResult path = new WorkerResult(batch, round1(worker), round1(bare), ratio(worker, bare));
                    progress.printf("          worker path (JPEG values to fp16 embeddings) %.1f frames/s, ratio %.3f%n",
                            path.framesPerSec(), path.ratio());
                    workerResults.add(path);
                }
            }
            // Last, when the blocks have long since compiled them: measured first, preprocessing
            // had run only the warm-up calls and read 0.5 to 2.3 ms, the interpreter's and C1's cost.
            float[] nchw = new float[encoder.preprocessor().spec().floatsPerFrame()];
            cpu.put("preprocessCpuMsPerFrame", cpuMillisPerFrame(frames.size(), i ->
                    encoder.preprocessor().writeNchw(frames.get(i), nchw, 0)));
            cpu.put("decodeCpuMsPerFrame", cpuMillisPerFrame(frames.size(), i -> FrameEmbedder.decode(frameValues.get(i))));
            float[][] tokens = encoder.encode(frames.subList(0, 1));
            cpu.put("packCpuMsPerFrame", cpuMillisPerFrame(frames.size(), i -> TokenCodec.encode(tokens[0], DType.F16)));
            progress.printf("CPU per frame on one thread: preprocessing %.2f ms, JPEG decoding %.2f ms, fp16 packing %.2f ms%n",
                    cpu.get("preprocessCpuMsPerFrame"), cpu.get("decodeCpuMsPerFrame"), cpu.get("packCpuMsPerFrame"));
        }
        write(jsonOut, model, results, workerResults, cpu);
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

    private static double framesPerSecond(int batch, long blockNanos, Runnable call) {
        long start = System.nanoTime();
        long frames = 0;
        long elapsed;
        do {
            call.run();
            frames += batch;
            elapsed = System.nanoTime() - start;
        } while (elapsed < blockNanos);
        return frames * 1e9 / elapsed;
    }

    /**
     * CPU time of this thread per call of {@code task} (after a warm-up), over indexes
     * {@code 0 .. frames-1} in turn: what a part costs whatever the load on the machine, for the
     * breakdown in the JSON.
     */
    private static double cpuMillisPerFrame(int frames, java.util.function.IntConsumer task) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            return Double.NaN;
        }
        for (int i = 0; i < 2 * frames; i++) {
            task.accept(i % frames);
        }
        int count = 4 * frames;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < count; i++) {
            task.accept(i % frames);
        }
        return Math.round((threads.getCurrentThreadCpuTime() - start) / 1e4 / count) / 100.0;
    }

    /** The frames as {@code lw.frames} values: JPEGs of the ingest's default quality. */
    static List<byte[]> frameValues(List<BufferedImage> frames) {
        List<byte[]> values = new ArrayList<>();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            for (int i = 0; i < frames.size(); i++) {
                ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
                try (ImageOutputStream out = ImageIO.createImageOutputStream(jpeg)) {
                    writer.setOutput(out);
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(JPEG_QUALITY);
                    writer.write(null, new IIOImage(frames.get(i), null, null), param);
                }
                values.add(Frame.newBuilder()
                        .setStreamId("bench")
                        .setSeq(i)
                        .setWidth(FRAME_WIDTH)
                        .setHeight(FRAME_HEIGHT)
                        .setJpeg(ByteString.copyFrom(jpeg.toByteArray()))
                        .build()
                        .toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the benchmark's frames as JPEG", e);
        } finally {
            writer.dispose();
        }
        return values;
    }

    private static double ratio(double fps, double rawFps) {
        return Math.round(fps / rawFps * 1000) / 1000.0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static void write(
            Path jsonOut, Path model, List<Result> results, List<WorkerResult> workerPath, Map<String, Object> cpu) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "encoder");
        json.put("model", model.toString());
        json.put("frame", FRAME_WIDTH + "x" + FRAME_HEIGHT);
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("method", ROUNDS + " rounds of encoder, bare-session and worker-path blocks per batch, each round"
                + " starting with the next side, median of each; same model file, output and session options");
        json.putAll(cpu);
        json.put("results", results);
        json.put("workerPath", workerPath);
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

    /**
     * The reference: a plain session on the encoder's model file, output and session options,
     * run on input tensors built before timing starts; its output is left in native memory.
     */
    private static final class RawSession implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final String input;
        private final String output;
        private final ImagePreprocessor preprocessor;

        RawSession(OnnxEncoder encoder) {
            this.output = encoder.outputName();
            this.preprocessor = encoder.preprocessor();
            // The same session settings as the encoder's, so the ratio isolates what the encoder
            // adds: preprocessing, copies and token extraction.
            try (OrtSession.SessionOptions options = OnnxEncoder.sessionOptions()) {
                this.session = env.createSession(encoder.sessionModel().toString(), options);
                this.input = session.getInputNames().iterator().next();
            } catch (OrtException e) {
                throw new IllegalStateException("cannot open the reference session: " + e.getMessage(), e);
            }
        }

        /** The preprocessed batch as an input tensor over a direct buffer (no copy per run). */
        OnnxTensor tensor(List<BufferedImage> images) {
            PreprocessSpec spec = preprocessor.spec();
            FloatBuffer buffer = ByteBuffer.allocateDirect(images.size() * spec.floatsPerFrame() * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            for (int i = 0; i < images.size(); i++) {
                preprocessor.writeNchw(images.get(i), buffer, i * spec.floatsPerFrame(), 0, spec.cropHeight());
            }
            try {
                return OnnxTensor.createTensor(
                        env, buffer, new long[] {images.size(), 3, spec.cropHeight(), spec.cropWidth()});
            } catch (OrtException e) {
                throw new IllegalStateException("cannot build the reference input: " + e.getMessage(), e);
            }
        }

        void run(OnnxTensor tensor) {
            try (OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(output))) {
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

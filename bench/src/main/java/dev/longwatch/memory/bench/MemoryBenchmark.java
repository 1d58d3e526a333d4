package dev.longwatch.memory.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.StorageDtype;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code longwatch bench memory}: the incremental bank against the MA-LMM port, one compression
 * step on a full bank, over tokens ∈ {64, 256}, dim ∈ {768, 1024}, slots ∈ {10, 20, 40}, F16
 * storage (the port computes and stores in float, as written). Both run through JMH, each
 * parameter set and benchmark in a fresh JVM with the same settings ({@link #FORK_HEAP}), followed
 * by the memory copy bandwidth measured the same way.
 */
public final class MemoryBenchmark {
    static final String[] TOKENS = {"64", "256"};
    static final String[] DIMS = {"768", "1024"};
    static final String[] SLOTS = {"10", "20", "40"};
    static final StorageDtype STORAGE = StorageDtype.F16;
    static final String[] FORK_HEAP = {
        "-Xms1g", "-Xmx1g", "-XX:G1HeapRegionSize=2m", "-XX:+AlwaysPreTouch"
    };

    private MemoryBenchmark() {}

    /** What the JSON holds. */
    public record Report(
            List<Result> results, double copyBandwidthGBs, String storage, String referenceStorage) {}

    /**
     * One configuration.
     *
     * @param framesPerSec compression steps per second of the Longwatch bank
     * @param referenceFramesPerSec the same for the MA-LMM port
     * @param bytesPerFrame bytes the bank's stores read and write per step, plus the frame read
     * @param copyBoundFramesPerSec copy bandwidth divided by bytesPerFrame: the rate a step would
     *     reach if it only moved its bytes at memcpy speed
     */
    public record Result(
            String granularity,
            int tokens,
            int dim,
            int slots,
            double framesPerSec,
            double referenceFramesPerSec,
            double speedup,
            long bytesPerFrame,
            double copyBoundFramesPerSec) {}

    /**
     * Runs the benchmark and writes the report to {@code jsonOut}.
     *
     * @param progress where JMH's progress and a summary table go
     * @param quick frame granularity only, short iterations (about three minutes on two cores);
     *     otherwise frame and token granularity with longer iterations
     */
    public static Report run(Path jsonOut, PrintStream progress, boolean quick)
            throws IOException {
        return run(jsonOut, progress, quick, TOKENS, DIMS, SLOTS);
    }

    /** {@link #run(Path, PrintStream, boolean)} over some of the shapes only. */
    public static Report run(
            Path jsonOut,
            PrintStream progress,
            boolean quick,
            String[] tokens,
            String[] dims,
            String[] slots)
            throws IOException {
        List<Granularity> granularities =
                quick ? List.of(Granularity.FRAME) : List.of(Granularity.FRAME, Granularity.TOKEN);
        ChainedOptionsBuilder options =
                new OptionsBuilder()
                        .include(BankStepBenchmark.class.getName() + "\\.")
                        .include(CopyBandwidthBenchmark.class.getName() + "\\.")
                        // One fresh JVM per parameter set and benchmark: in a shared JVM the JIT
                        // keeps code profiled for earlier shapes and storage types, which made the
                        // same step vary by 1.7x between runs. The fork inherits java.class.path
                        // (./longwatch's manifest-only launcher jar works).
                        .forks(1)
                        // A fixed heap, every page touched before the first iteration: this VM
                        // pays dearly for the first touch of a page, and a heap growing under the
                        // reference's 22-44 MB of arrays per step made it 2-3x slower in some
                        // iterations than in others. 2 MB regions as a 4 GB heap has by default,
                        // so the bank's 512 KB slots are not humongous objects. Both sides run in
                        // the same JVM settings.
                        .jvmArgsAppend(FORK_HEAP)
                        .threads(1)
                        // The 256-token steps were still speeding up through 2 x 300 ms of warm-up,
                        // and the row-by-row bank (more methods for C2 to compile while the other
                        // core is busy) through the fourth of 4 x 500 ms.
                        .warmupIterations(quick ? 6 : 5)
                        .warmupTime(TimeValue.milliseconds(quick ? 500 : 1000))
                        .measurementIterations(quick ? 4 : 5)
                        .measurementTime(TimeValue.milliseconds(quick ? 500 : 1000))
                        .param(
                                "granularity",
                                granularities.stream().map(Enum::name).toArray(String[]::new))
                        .param("tokens", tokens)
                        .param("dim", dims)
                        .param("slots", slots)
                        .param("storage", STORAGE.name())
                        .shouldFailOnError(true);
        Collection<RunResult> runs;
        try {
            runs =
                    new Runner(
                                    options.build(),
                                    OutputFormatFactory.createFormatInstance(
                                            progress, VerboseMode.NORMAL))
                            .run();
        } catch (RunnerException e) {
            throw new IOException("JMH run failed: " + e.getMessage(), e);
        }
        Report report = toReport(runs);
        printSummary(report, progress);
        Path parent = jsonOut.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(jsonOut.toFile(), report);
        return report;
    }

    private static Report toReport(Collection<RunResult> runs) {
        double copyBandwidth = Double.NaN;
        Map<String, Double> incremental = new HashMap<>();
        Map<String, Double> reference = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (RunResult run : runs) {
            String benchmark = run.getParams().getBenchmark();
            double opsPerSec = run.getPrimaryResult().getScore();
            if (benchmark.endsWith(".copy")) {
                copyBandwidth = opsPerSec * 2.0 * CopyBandwidthBenchmark.BYTES / 1e9;
                continue;
            }
            String key =
                    String.join(
                            "/",
                            run.getParams().getParam("granularity"),
                            run.getParams().getParam("tokens"),
                            run.getParams().getParam("dim"),
                            run.getParams().getParam("slots"));
            if (benchmark.endsWith(".incremental")) {
                incremental.put(key, opsPerSec);
                order.add(key);
            } else {
                reference.put(key, opsPerSec);
            }
        }
        List<Result> results = new ArrayList<>();
        for (String key : order) {
            String[] parts = key.split("/");
            Granularity granularity = Granularity.valueOf(parts[0]);
            int tokens = Integer.parseInt(parts[1]);
            int dim = Integer.parseInt(parts[2]);
            int slots = Integer.parseInt(parts[3]);
            double fps = incremental.get(key);
            Double referenceFps = reference.get(key);
            if (referenceFps == null) {
                throw new IllegalStateException("JMH returned no reference result for " + key);
            }
            long bytes = BytesTouched.perFrame(granularity, STORAGE, tokens, dim, slots);
            results.add(
                    new Result(
                            granularity.name(),
                            tokens,
                            dim,
                            slots,
                            fps,
                            referenceFps,
                            fps / referenceFps,
                            bytes,
                            copyBandwidth * 1e9 / bytes));
        }
        return new Report(results, copyBandwidth, STORAGE.name(), StorageDtype.F32.name());
    }

    private static void printSummary(Report report, PrintStream out) {
        out.printf(
                "%n%-6s %6s %5s %5s %12s %12s %8s %12s %12s%n",
                "gran", "tokens", "dim", "slots", "frames/s", "ref frames/s", "speedup",
                "bytes/frame", "copy-bound/s");
        for (Result r : report.results()) {
            out.printf(
                    "%-6s %6d %5d %5d %12.1f %12.1f %8.1f %12d %12.1f%n",
                    r.granularity(), r.tokens(), r.dim(), r.slots(), r.framesPerSec(),
                    r.referenceFramesPerSec(), r.speedup(), r.bytesPerFrame(),
                    r.copyBoundFramesPerSec());
        }
        out.printf("copy bandwidth (read + write): %.2f GB/s%n", report.copyBandwidthGBs());
    }

    /**
     * {@code java ... MemoryBenchmark FILE [--full] [--tokens 64,256] [--dims 768,1024] [--slots
     * 10,20,40]}, for running without the CLI, all shapes unless restricted.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println(
                    "usage: MemoryBenchmark OUT.json [--full] [--tokens N,..] [--dims N,..] [--slots N,..]");
            System.exit(2);
        }
        boolean quick = true;
        String[] tokens = TOKENS;
        String[] dims = DIMS;
        String[] slots = SLOTS;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> quick = false;
                case "--tokens" -> tokens = args[++i].split(",");
                case "--dims" -> dims = args[++i].split(",");
                case "--slots" -> slots = args[++i].split(",");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        run(Path.of(args[0]), System.out, quick, tokens, dims, slots);
    }
}

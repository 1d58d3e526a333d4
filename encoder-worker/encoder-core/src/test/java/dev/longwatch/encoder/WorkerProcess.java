package dev.longwatch.encoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A real {@link EncoderWorkerMain} in a child JVM, on this JVM's classpath, configured only
 * through its environment as in production. Its output goes to a log file that failing
 * assertions quote.
 */
final class WorkerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String transactionalId;
    final Path log;
    private final Process process;
    private final int metricsPort;

    private WorkerProcess(String transactionalId, Path log, Process process, int metricsPort) {
        this.transactionalId = transactionalId;
        this.log = log;
        this.process = process;
        this.metricsPort = metricsPort;
    }

    /** Starts the child; {@code env} is added to the worker's environment. */
    static WorkerProcess start(String transactionalId, Map<String, String> env, Path logDir) throws IOException {
        int port = freePort();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", classpath(),
                EncoderWorkerMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        // Only what the test sets: nothing from the developer's shell changes the worker.
        builder.environment().keySet().removeIf(name -> name.startsWith("LONGWATCH_"));
        builder.environment().putAll(env);
        builder.environment().put("LONGWATCH_ENCODER_TRANSACTIONAL_ID", transactionalId);
        builder.environment().put("LONGWATCH_METRICS_HOST", "127.0.0.1");
        builder.environment().put("LONGWATCH_METRICS_PORT", Integer.toString(port));
        Path log = Files.createTempFile(logDir, transactionalId + "-", ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new WorkerProcess(transactionalId, log, builder.start(), port);
    }

    /**
     * The test classpath. Surefire and failsafe may start this JVM from a manifest-only jar, in
     * which case {@code java.class.path} names just that jar and the real entries are in its
     * {@code Class-Path} (file URLs, relative to the jar).
     */
    static String classpath() {
        String classpath = System.getProperty("java.class.path");
        String[] entries = classpath.split(java.io.File.pathSeparator);
        if (entries.length != 1 || !entries[0].endsWith(".jar")) {
            return classpath;
        }
        Path jar = Path.of(entries[0]).toAbsolutePath();
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String manifestClasspath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (manifestClasspath == null || manifestClasspath.isBlank()) {
                return classpath;
            }
            List<String> paths = new ArrayList<>();
            URL base = jar.toUri().toURL();
            for (String entry : manifestClasspath.trim().split("\\s+")) {
                paths.add(Path.of(new URL(base, entry).toURI()).toString());
            }
            return String.join(java.io.File.pathSeparator, paths);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar, e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("bad Class-Path entry in " + jar, e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** True once {@code /healthz} answers 200; false while the process is starting or gone. */
    boolean healthy() {
        return get("/healthz").map(response -> response.statusCode() == 200).orElse(false);
    }

    /** True once {@code /readyz} answers 200: transactions initialised and the group joined. */
    boolean ready() {
        return get("/readyz").map(response -> response.statusCode() == 200).orElse(false);
    }

    /** Frames this worker has encoded so far ({@code longwatch_encoder_frames_total}), 0 if unknown. */
    long framesEncoded() {
        return get("/metrics")
                .filter(response -> response.statusCode() == 200)
                .map(response -> response.body().lines()
                        .filter(line -> line.startsWith("longwatch_encoder_frames_total"))
                        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                        .sum())
                .orElse(0L);
    }

    private Optional<HttpResponse<String>> get(String path) {
        if (!process.isAlive()) {
            return Optional.empty();
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty(); // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** SIGKILL: no shutdown hook, no goodbye to the group, an open transaction stays open. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, then waits for the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(transactionalId + " did not stop within " + timeout + "\n" + logTail());
        }
        return process.exitValue();
    }

    /** The end of the worker's output, for assertion messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- " + transactionalId + " (pid " + process.pid() + ") ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}

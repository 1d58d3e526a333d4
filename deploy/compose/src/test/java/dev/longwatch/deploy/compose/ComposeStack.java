package dev.longwatch.deploy.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * deploy/compose/compose.yaml as one project of the container engine on this machine, driven
 * the way a person would: podman-compose (or docker compose) for the stack, the engine's CLI to
 * find containers and to SIGKILL the process inside one (a crash, not a stop: the restart policy
 * of the compose file brings it back).
 */
final class ComposeStack implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("longwatch.root", "../..")).toAbsolutePath().normalize();
    private static final Path COMPOSE_FILE = ROOT.resolve("deploy/compose/compose.yaml");

    private final String project;
    private final Map<String, String> env;
    private final Path logs;
    private final List<String> compose;
    private final String engine;

    ComposeStack(String project, Map<String, String> env, Path logs) {
        this.project = project;
        this.env = Map.copyOf(env);
        this.logs = logs;
        this.engine = onPath("podman") ? "podman" : "docker";
        this.compose = onPath("podman-compose") ? List.of("podman-compose") : List.of("docker", "compose");
    }

    void up() {
        compose("up", "-d");
    }

    /** Stops every container with SIGTERM (their grace periods), then removes them and the volumes. */
    @Override
    public void close() {
        compose("down", "-v", "-t", "40");
    }

    /** The containers of {@code service} in this project, by the labels both compose tools set. */
    List<String> containers(String service) {
        return lines(engine, "ps", "-a",
                "--filter", "label=com.docker.compose.project=" + project,
                "--filter", "label=com.docker.compose.service=" + service,
                "--format", "{{.Names}}");
    }

    String inspect(String container, String format) {
        return String.join("", lines(engine, "inspect", "--format", format, container)).strip();
    }

    /** The host's pid of the container's main process (its JVM), 0 when it does not run. */
    long pid(String container) {
        return Long.parseLong(inspect(container, "{{.State.Pid}}"));
    }

    String hostname(String container) {
        return inspect(container, "{{.Config.Hostname}}");
    }

    /** SIGKILL to the container's main process: no shutdown hook, no goodbye to anyone. */
    long kill(String container) {
        long pid = pid(container);
        if (pid <= 0) {
            throw new IllegalStateException(container + " is not running");
        }
        run(List.of("kill", "-9", Long.toString(pid)), Duration.ofSeconds(10));
        return pid;
    }

    /** True once the container runs again under another process than {@code killedPid}. */
    boolean restarted(String container, long killedPid) {
        try {
            long pid = pid(container);
            return pid > 0 && pid != killedPid && inspect(container, "{{.State.Running}}").equals("true");
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** {@code GET http://127.0.0.1:port/path} inside the container, with bash alone (no curl there). */
    String getInside(String container, int port, String path) {
        return String.join("\n", lines(engine, "exec", container, "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/" + port + "; printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3"));
    }

    /** Every container's log, kept beside the test's report for a failure's post-mortem. */
    void saveLogs() {
        for (String service : List.of("kafka", "topics", "jobmanager", "taskmanager", "encoder", "ingest", "query")) {
            for (String container : containers(service)) {
                try {
                    ProcessBuilder logsOf = new ProcessBuilder(engine, "logs", container)
                            .redirectErrorStream(true)
                            .redirectOutput(logs.resolve(container + ".log").toFile());
                    logsOf.start().waitFor(60, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // the post-mortem is best effort
                }
            }
        }
    }

    private void compose(String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", project, "-f", COMPOSE_FILE.toString()));
        command.addAll(List.of(args));
        run(command, Duration.ofMinutes(5));
    }

    private List<String> lines(String... command) {
        return run(List.of(command), Duration.ofMinutes(1)).lines().filter(l -> !l.isBlank()).toList();
    }

    private String run(List<String> command, Duration timeout) {
        try {
            Path out = Files.createTempFile(logs, "command-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            Map<String, String> environment = new HashMap<>(builder.environment());
            environment.putAll(env);
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeout);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + process.exitValue() + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

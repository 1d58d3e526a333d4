package dev.longwatch.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A running deployment ({@code --server URL}), for example the compose stack
 * (deploy/compose/compose.yaml): HTTP at {@code api}, Kafka at {@code bootstrap} (compose
 * publishes it on localhost:29092), the memory job's checkpoints from Flink's REST API
 * ({@code /jobs/overview}, {@code /jobs/ID/checkpoints}; compose publishes it on
 * localhost:8081), and the containers' CPU and memory from {@code docker stats}. {@code --chaos}
 * stops and starts the containers of the compose services {@code encoder} and {@code query}
 * (found by their {@code com.docker.compose.service} label, which docker compose and
 * podman-compose both set) with the {@code docker} command, which also drives podman's
 * Docker-compatible API.
 */
final class ServerTarget implements LoadTarget {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String bootstrap;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI flink;
    private final String docker;
    private final long cameraPid;

    ServerTarget(URI api, String bootstrap, URI flink, String docker, long cameraPid) {
        this.api = api;
        this.bootstrap = bootstrap;
        this.flink = flink;
        this.docker = docker;
        this.cameraPid = cameraPid;
    }

    @Override
    public URI api() {
        return api;
    }

    @Override
    public String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public void stop(Service service) throws Exception {
        for (String container : containers(composeService(service))) {
            run(docker, "stop", "-t", "30", container);
        }
    }

    @Override
    public void start(Service service) throws Exception {
        for (String container : containers(composeService(service))) {
            run(docker, "start", container);
        }
    }

    private static String composeService(Service service) {
        return service == Service.ENCODER ? "encoder" : "query";
    }

    private List<String> containers(String service) throws IOException, InterruptedException {
        String out = run(docker, "ps", "-a", "--filter", "label=com.docker.compose.service=" + service, "--format", "{{.Names}}");
        List<String> names = out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new IllegalStateException("no container of the compose service '" + service + "' (" + docker + " ps)");
        }
        return names;
    }

    /** The checkpoints of the running job, from Flink's REST API; each id reported once. */
    @Override
    public CheckpointSource checkpoints() {
        Set<Long> seen = new HashSet<>();
        return () -> {
            List<Double> durations = new ArrayList<>();
            JsonNode jobs = get(flink.resolve("/jobs/overview")).path("jobs");
            for (JsonNode job : jobs) {
                if (!"RUNNING".equals(job.path("state").asText())) {
                    continue;
                }
                for (JsonNode checkpoint : get(flink.resolve("/jobs/" + job.path("jid").asText() + "/checkpoints")).path("history")) {
                    if ("COMPLETED".equals(checkpoint.path("status").asText()) && seen.add(checkpoint.path("id").asLong())) {
                        durations.add(checkpoint.path("end_to_end_duration").asDouble());
                    }
                }
            }
            return durations;
        };
    }

    /** Each container's CPU seconds so far and memory, from {@code docker stats} (no heap: -1). */
    @Override
    public ResourceSource resources() {
        Map<String, Double> cpuSeconds = new LinkedHashMap<>();
        long[] last = {System.nanoTime()};
        return () -> {
            String out = run(docker, "stats", "--no-stream", "--format", "{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}");
            long now = System.nanoTime();
            double elapsed = (now - last[0]) / 1e9;
            last[0] = now;
            long rss = 0;
            for (String line : out.lines().toList()) {
                String[] parts = line.split("\t");
                if (parts.length < 3) {
                    continue;
                }
                // CPU% is a rate over the last interval: integrate it into seconds.
                double cores = parseDouble(parts[1].replace("%", "")) / 100.0;
                cpuSeconds.merge(parts[0], cores * elapsed, Double::sum);
                rss += parseBytes(parts[2].split("/")[0].strip());
            }
            Map<String, Double> cpu = new LinkedHashMap<>(cpuSeconds);
            if (cameraPid > 0) {
                cpu.put("cameras", ThreadGroupCpu.processCpuSeconds(java.nio.file.Path.of("/proc/" + cameraPid + "/stat")));
            }
            return new ResourceSource.Reading(-1, rss, cpu);
        };
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static double parseDouble(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** "123.4MiB", "1.2GB", "512kB" as bytes. */
    static long parseBytes(String text) {
        String number = text.replaceAll("[^0-9.]", "");
        if (number.isEmpty()) {
            return 0;
        }
        String unit = text.replaceAll("[0-9.\\s]", "").toLowerCase(Locale.ROOT);
        double factor = switch (unit) {
            case "kib" -> 1024;
            case "mib" -> 1024 * 1024;
            case "gib" -> 1024.0 * 1024 * 1024;
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            case "gb" -> 1e9;
            default -> 1;
        };
        return Math.round(Double.parseDouble(number) * factor);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    @Override
    public void close() {
        // The deployment belongs to whoever started it: nothing to stop.
    }
}

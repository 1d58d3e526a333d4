package dev.longwatch.bench.load;

import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.local.LocalStack;
import dev.longwatch.local.LocalStackSettings;
import dev.longwatch.query.config.LlmSettings;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded stack ({@link LocalStack}: broker, memory job on a MiniCluster, encoder worker,
 * ingest, query service) in this JVM, as {@code ./longwatch up} runs it. Its CPU is read per
 * thread group ({@link ThreadGroupCpu}); {@code --chaos} stops and starts the encoder worker and
 * the query service inside the JVM.
 */
final class EmbeddedTarget implements LoadTarget {
    private static final String MAX_STREAMS = "LONGWATCH_INGEST_MAX_STREAMS";
    private static final int DEFAULT_MAX_STREAMS = 8;

    private final LocalStack stack;
    private final PrometheusCheckpoints checkpoints;
    private final ThreadGroupCpu resources;

    private EmbeddedTarget(LocalStack stack, long cameraPid) {
        this.stack = stack;
        this.checkpoints = new PrometheusCheckpoints(URI.create(stack.flinkMetricsBase()));
        this.resources = new ThreadGroupCpu(cameraPid);
    }

    /**
     * @param cameras how many cameras the run registers: ingest gets as many workers, since a
     *     camera beyond {@code LONGWATCH_INGEST_MAX_STREAMS} (default 8) waits in PENDING and the
     *     run would measure the queue, not the stack
     * @param cameraAddress where the cameras listen (loopback): allowed to ingest as {@code up
     *     --allow-network ADDRESS/32} would, since the outbound rules refuse loopback otherwise
     * @param checkpointIntervalMs the memory job's checkpoint interval ({@code up}'s default: 1000)
     */
    static EmbeddedTarget start(
            Path dataDir, EncoderConfig encoder, LlmSettings llm, int cameras, InetAddress cameraAddress,
            long checkpointIntervalMs, long cameraPid)
            throws Exception {
        LocalStackSettings settings =
                LocalStackSettings.defaults(dataDir).withHttpPort(0).withEncoder(encoder).withLlm(llm);
        settings = new LocalStackSettings(
                settings.dataDir(), settings.externalBootstrap(), settings.httpPort(), settings.partitions(),
                settings.slots(), checkpointIntervalMs, settings.llm(), settings.encoder(), settings.metricsPort())
                .withEnvironment(Map.of(MAX_STREAMS, Integer.toString(Math.max(cameras, DEFAULT_MAX_STREAMS))))
                .withSources(LocalStackSettings.upSources(
                        dataDir, Map.of(), List.of(), List.of(cameraAddress.getHostAddress() + "/32"), List.of(), null));
        return new EmbeddedTarget(LocalStack.start(settings), cameraPid);
    }

    @Override
    public URI api() {
        return stack.httpBase();
    }

    @Override
    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    @Override
    public void stop(Service service) throws Exception {
        stack.stop(service == Service.ENCODER ? LocalStack.Service.ENCODER : LocalStack.Service.QUERY);
    }

    @Override
    public void start(Service service) throws Exception {
        stack.start(service == Service.ENCODER ? LocalStack.Service.ENCODER : LocalStack.Service.QUERY);
    }

    @Override
    public CheckpointSource checkpoints() {
        return checkpoints;
    }

    @Override
    public ResourceSource resources() {
        return resources;
    }

    @Override
    public Optional<String> fault() {
        return stack.fault();
    }

    @Override
    public void close() {
        stack.close();
    }
}

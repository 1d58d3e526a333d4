package dev.longwatch.deploy.helm;

import dev.longwatch.encoder.EncoderWorkerMain;
import dev.longwatch.ingest.IngestMain;
import dev.longwatch.kafka.embedded.TopicsMain;
import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.service.EnvironmentNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * What each service reads, from one place per service: its own parsing of its environment (each
 * main's or settings class's {@code fromEnvironment}), recorded by {@link EnvironmentNames}. A
 * variable a service starts to read is known here at once, without a list to keep in step.
 */
final class ServiceEnvironments {
    /**
     * Read by the platform, not by Longwatch's code: the JVM (every image) and the NVIDIA
     * container toolkit (the GPU image).
     */
    static final Set<String> READ_BY_THE_PLATFORM =
            Set.of("JAVA_TOOL_OPTIONS", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES");

    /** Image name (deploy/images/build.sh) -> the variables its service reads. */
    static final Map<String, SortedSet<String>> BY_IMAGE = Map.of(
            "ingest", IngestMain.environmentVariables(),
            "encoder", EncoderWorkerMain.environmentVariables(),
            "encoder-gpu", EncoderWorkerMain.environmentVariables(),
            "query", EnvironmentNames.readBy(QueryServiceSettings::fromEnv),
            "topics", EnvironmentNames.readBy(TopicsMain.Config::from));

    private ServiceEnvironments() {}

    /** The variables the service of {@code image} reads, plus the platform's; fails for an unknown image. */
    static Set<String> allowed(String image) {
        SortedSet<String> read = BY_IMAGE.get(image);
        if (read == null) {
            throw new AssertionError("no service known for image " + image + " (known: " + BY_IMAGE.keySet() + ")");
        }
        SortedSet<String> allowed = new TreeSet<>(read);
        allowed.addAll(READ_BY_THE_PLATFORM);
        return allowed;
    }

    /**
     * The options the memory job's arguments may name: every {@code memory.*} option of {@link
     * MemoryOptions}, and the RocksDB options factory (a Flink option the job passes on).
     */
    static Set<String> memoryJobOptions() {
        Set<String> keys = new TreeSet<>();
        for (Field field : MemoryOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    keys.add(((ConfigOption<?>) field.get(null)).key());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        keys.add(RocksDBOptions.OPTIONS_FACTORY.key());
        return keys;
    }

    /** The image's short name: "registry/prefix/ingest:tag" -> "ingest". */
    static String imageName(String reference) {
        String repository = reference.contains(":") ? reference.substring(0, reference.lastIndexOf(':')) : reference;
        return repository.substring(repository.lastIndexOf('/') + 1);
    }
}

package dev.longwatch.ingest;

import dev.longwatch.ingest.config.IngestSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * One ingest instance in its own JVM, for {@link IngestFailoverITCase}: started with {@code java
 * -cp <test classpath> dev.longwatch.ingest.IngestInstanceMain BOOTSTRAP INSTANCE_ID GROUP_ID
 * SESSION_MS HEARTBEAT_MS [STALL_MS]} (also for {@link CrashCountingITCase}). Prints {@code STARTED} once it has joined the group and read
 * {@code lw.streams}. It runs until killed, or until its stdin closes (so it never outlives a
 * test JVM that died first).
 */
public final class IngestInstanceMain {
    private IngestInstanceMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            System.err.println(
                    "usage: IngestInstanceMain BOOTSTRAP INSTANCE_ID GROUP_ID SESSION_MS HEARTBEAT_MS [STALL_MS]");
            System.exit(2);
        }
        IngestSettings settings = IngestFailoverITCase.settings(
                args[0],
                args[1],
                args[2],
                Duration.ofMillis(Long.parseLong(args[3])),
                Duration.ofMillis(Long.parseLong(args[4])),
                Duration.ofMillis(args.length == 6 ? Long.parseLong(args[5]) : 5_000));
        try (IngestService service = new IngestService(settings, new SimpleMeterRegistry())) {
            service.start();
            System.out.println("STARTED " + settings.instanceId());
            System.out.flush();
            while (System.in.read() >= 0) {
                // block until the parent closes our stdin
            }
        }
    }
}

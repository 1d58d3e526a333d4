package dev.longwatch.ingest.source;

import dev.longwatch.ingest.egress.Egress;
import dev.longwatch.net.Cidr;
import dev.longwatch.net.OutboundRules;
import dev.longwatch.net.OwnPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Sources as the service opens them, for tests whose media servers listen on 127.0.0.1: the
 * outbound rules refuse loopback by default, so these allow exactly {@code 127.0.0.1/32}, as an
 * operator would for a lab camera ({@code --allow-network 127.0.0.1/32}).
 */
public final class TestSources {
    public static final Cidr TEST_SERVERS = Cidr.parse("127.0.0.1/32");

    private TestSources() {}

    public static Egress labEgress(Duration timeout) {
        return new Egress(OutboundRules.of(List.of(TEST_SERVERS), List.of(), new OwnPorts()), timeout);
    }

    /** Files under {@code root} (or none when null), network sources to 127.0.0.1 allowed. */
    public static FrameSourceFactory lab(Path root, SourceOptions options) {
        return FfmpegFrameSource.factory(
                root == null ? MediaRoots.none() : MediaRoots.of(List.of(root)), labEgress(options.networkTimeout()), options);
    }
}

package dev.longwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.longwatch.net.Cidr;
import dev.longwatch.net.OutboundRefusedException;
import dev.longwatch.net.OutboundRules;
import dev.longwatch.net.OwnPorts;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A source URI is the most hostile string ingest takes: it goes through {@link SourceLocation}
 * (media roots), the outbound rules (with a resolver that answers every name with loopback, the
 * worst DNS) and {@link FfmpegInputOptions}. For every input: either a clear {@link
 * SourceException}, or a location whose file lies under the root, whose network host the rules
 * judged, and whose FFmpeg options hold the whitelists. Seeds in {@code SourceUriFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} runs a campaign (FUZZING.md).
 */
class SourceUriFuzzTest {
    private static final Path ROOT = Path.of("/srv/longwatch-fuzz-media");
    private static final MediaRoots ROOTS = MediaRoots.of(List.of(ROOT));
    private static final OutboundRules RULES =
            new OutboundRules(
                    List.of(Cidr.parse("192.168.0.0/16")),
                    List.of(Cidr.parse("192.168.66.0/24")),
                    new OwnPorts().add(9400),
                    host -> new InetAddress[] {InetAddress.getLoopbackAddress()},
                    InetAddress::isLoopbackAddress);

    @FuzzTest(maxDuration = "2m")
    void resolve(byte[] input) throws Exception {
        String uri = new String(input, StandardCharsets.UTF_8);
        SourceLocation location;
        try {
            location = SourceLocation.resolve(uri, ROOTS);
        } catch (SourceException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank().doesNotContain("hunter2");
            return;
        }
        Map<String, String> options = FfmpegInputOptions.format(location.kind(), SourceOptions.defaults(), "http://127.0.0.1:1");
        assertThat(options.get("format_whitelist")).doesNotContain("concat").doesNotContain("tty");
        assertThat(options.get("pattern_type")).isEqualTo("none");
        switch (location.kind()) {
            case FILE -> {
                // Only reachable for a file that exists under the root: never outside it.
                assertThat(Path.of(location.input())).startsWith(ROOT);
                assertThat(options.get("protocol_whitelist")).isEqualTo("file");
            }
            case HTTP, RTSP -> {
                assertThat(options.get("protocol_whitelist")).doesNotContain("file");
                URI parsed = location.networkUri();
                assertThat(parsed.getHost()).isNotEmpty();
                try {
                    RULES.check(parsed);
                    // The resolver says loopback for every name: nothing may pass.
                    throw new AssertionError("a loopback destination passed the rules: " + uri);
                } catch (OutboundRefusedException | UnknownHostException e) {
                    // refused, as it must be
                }
            }
        }
        assertThat(location.redacted()).doesNotContain("hunter2");
    }
}

package dev.longwatch.ingest.egress;

import dev.longwatch.net.Destination;
import dev.longwatch.net.OutboundRefusedException;
import dev.longwatch.net.OutboundRules;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where network sources go out: every connection FFmpeg makes for a source passes the outbound
 * rules, whatever the DNS name resolves to when FFmpeg would have looked it up, and after every
 * redirect.
 *
 * <p>FFmpeg resolves names and follows redirects by itself (HTTP 301/302/303/307/308 in {@code
 * http.c}, RTSP 3xx after any request in {@code ff_rtsp_connect}), and HLS opens more URLs
 * (variant playlists, segments, keys). Checking the URL once before FFmpeg sees it would leave all
 * of that, and DNS rebinding, unchecked. So FFmpeg never connects anywhere but to a session socket
 * on loopback:
 *
 * <ul>
 *   <li>HTTP, HTTPS and HLS: FFmpeg's {@code http_proxy} option points at an {@link
 *       HttpEgressProxy} session. FFmpeg sends plain HTTP as absolute-form requests and tunnels
 *       HTTPS with CONNECT (its {@code tls} protocol opens {@code httpproxy} when the option is
 *       set); a redirect reopens the connection with the same options, hence through the proxy;
 *       the HLS demuxer copies {@code http_proxy} into the options of every playlist, segment and
 *       key it opens ({@code save_avio_options}). The proxy resolves and checks each target and
 *       connects to the checked address. FFmpeg bypasses a proxy for hosts named in the {@code
 *       no_proxy} environment variable, so with {@code no_proxy} set HTTP sources are refused.
 *   <li>RTSP(S): FFmpeg opens {@code rtsp://127.0.0.1:<relay>/...}; the {@link RtspRelay} session
 *       connects to the checked camera address, passes the session through, refuses a 3xx whose
 *       target the rules forbid (and re-routes an allowed one through itself), and for RTP over
 *       UDP names the checked camera address as the media source, since FFmpeg would otherwise
 *       send its RTCP and NAT-opening packets to the peer of the control connection, the relay.
 * </ul>
 *
 * The protocol whitelist ({@code FfmpegInputOptions}) keeps FFmpeg from opening anything else
 * (no {@code file:}, {@code udp:} for HTTP sources, ...). Thread-safe; sessions are independent.
 */
public final class Egress {
    private static final Logger log = LoggerFactory.getLogger(Egress.class);

    private final OutboundRules rules;
    private final Duration connectTimeout;

    public Egress(OutboundRules rules, Duration connectTimeout) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    public OutboundRules rules() {
        return rules;
    }

    /**
     * Checks {@code url} and opens the session its source goes through.
     *
     * @throws OutboundRefusedException when the rules refuse the URL's host
     * @throws UnknownHostException when the host does not resolve
     * @throws IOException when no loopback socket can be opened
     */
    public EgressSession open(URI url) throws OutboundRefusedException, IOException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        Destination first = rules.check(url);
        switch (scheme) {
            case "http", "https" -> {
                String noProxy = System.getenv("no_proxy");
                if (noProxy != null && !noProxy.isBlank()) {
                    log.error("HTTP sources are refused: the environment variable no_proxy is set ({}), and FFmpeg"
                            + " connects to the hosts it names directly, around the outbound rules; unset it for"
                            + " this process", noProxy);
                    throw new OutboundRefusedException("no_proxy is set in the environment");
                }
                return HttpEgressProxy.start(rules, connectTimeout, url.toString());
            }
            case "rtsp", "rtsps" -> {
                return RtspRelay.start(rules, connectTimeout, url, first);
            }
            default -> throw new OutboundRefusedException("scheme '" + scheme + "' has no egress path");
        }
    }
}

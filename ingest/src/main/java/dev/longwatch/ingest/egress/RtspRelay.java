package dev.longwatch.ingest.egress;

import dev.longwatch.ingest.source.Uris;
import dev.longwatch.net.Destination;
import dev.longwatch.net.OutboundRefusedException;
import dev.longwatch.net.OutboundRules;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TCP relay for one RTSP source, on loopback. FFmpeg opens {@code rtsp://127.0.0.1:<relay>/path}
 * (credentials kept, so its Basic or Digest answers are computed as usual); each connection it
 * makes is joined to the checked camera address, and what the camera sends back is read message
 * by message (RTSP heads and bodies, and {@code $}-framed interleaved RTP passed through as is):
 *
 * <ul>
 *   <li>A 3xx reply: FFmpeg would connect to its {@code Location} itself. The target is checked;
 *       if refused, the relay closes the session and the source fails as refused (logged with
 *       the address); if allowed, the relay becomes a relay to that target and rewrites {@code
 *       Location} to point at itself, so the reconnect comes back here, pinned.
 *   <li>A SETUP reply for RTP over UDP: FFmpeg sends its RTCP reports and NAT-opening packets to
 *       the {@code source=} of the reply, or to the peer of the control connection, which is this
 *       relay on loopback. The relay replaces any {@code source=} (a camera could name any host)
 *       and {@code destination=} with the checked camera address, so UDP goes only there. The
 *       media itself comes in on FFmpeg's own UDP ports. A multicast transport (never asked for)
 *       is refused.
 *   <li>RTSPS: the relay speaks TLS to the camera and plain RTSP to FFmpeg on loopback, so it can
 *       read the replies. Like FFmpeg by default ({@code tls_verify=0}), it does not verify the
 *       camera's certificate: cameras carry self-signed ones.
 * </ul>
 *
 * Requests from FFmpeg pass unchanged: their URLs name the relay, or the camera's own {@code
 * Content-Base}, and the camera serves by path.
 */
final class RtspRelay extends LoopbackSession {
    /** Larger RTSP bodies (an SDP is a few KB) are refused. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final URI original;
    private volatile Destination target;
    private volatile boolean tls;

    private RtspRelay(OutboundRules rules, Duration connectTimeout, URI original, Destination first) throws IOException {
        super(rules, connectTimeout);
        this.original = original;
        this.target = first;
        this.tls = "rtsps".equalsIgnoreCase(original.getScheme());
    }

    static RtspRelay start(OutboundRules rules, Duration connectTimeout, URI url, Destination first) throws IOException {
        RtspRelay relay = new RtspRelay(rules, connectTimeout, url, first);
        relay.listen("lw-egress-rtsp");
        return relay;
    }

    @Override
    public String ffmpegUrl() {
        return throughRelay(original);
    }

    @Override
    public String proxyUrl() {
        return null;
    }

    /** {@code url} with its scheme, host and port replaced by this relay's. */
    private String throughRelay(URI url) {
        StringBuilder s = new StringBuilder("rtsp://");
        if (url.getRawUserInfo() != null) {
            s.append(url.getRawUserInfo()).append('@');
        }
        s.append("127.0.0.1:").append(port());
        s.append(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath());
        if (url.getRawQuery() != null) {
            s.append('?').append(url.getRawQuery());
        }
        return s.toString();
    }

    @Override
    void serve(Socket client) throws IOException {
        Destination d = target;
        Socket upstream;
        try {
            upstream = connect(d);
            if (tls) {
                upstream = track(startTls(upstream, d));
            }
        } catch (IOException e) {
            failed("cannot connect to camera " + d.host() + ":" + d.port() + " (" + d.addresses() + "): " + e.getMessage());
            return;
        }
        InetAddress camera = upstream.getInetAddress();
        pumpInBackground(
                Thread.currentThread().getName() + "-up", client.getInputStream(), upstream.getOutputStream(), client, upstream);
        try {
            relayReplies(new BufferedInputStream(upstream.getInputStream()), client.getOutputStream(), camera);
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Camera to FFmpeg, one RTSP message or interleaved frame at a time, until either closes. */
    private void relayReplies(InputStream in, OutputStream out, InetAddress camera) throws IOException {
        while (true) {
            in.mark(1);
            int first = in.read();
            if (first < 0) {
                return;
            }
            if (first == '$') {
                // Interleaved binary data: '$', channel, 16-bit length, payload.
                byte[] frameHead = in.readNBytes(3);
                if (frameHead.length < 3) {
                    return;
                }
                int length = ((frameHead[1] & 0xff) << 8) | (frameHead[2] & 0xff);
                out.write('$');
                out.write(frameHead);
                copy(in, out, length);
                out.flush();
                continue;
            }
            in.reset();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            List<String> lines = new ArrayList<>(List.of(head.split("\r?\n")));
            int length = contentLength(lines);
            if (length < 0 || length > MAX_BODY_BYTES) {
                failed("camera sent an RTSP body of " + length + " bytes");
                return;
            }
            if (lines.get(0).startsWith("RTSP/")) {
                if (!rewriteReply(lines, camera)) {
                    return; // refused: the session ends and the source fails as refused
                }
            }
            StringBuilder rewritten = new StringBuilder();
            for (String line : lines) {
                rewritten.append(line).append("\r\n");
            }
            out.write(rewritten.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            copy(in, out, length);
            out.flush();
        }
    }

    /**
     * Checks and rewrites one reply head in place.
     *
     * @return false when the reply must not reach FFmpeg (a refused redirect or transport)
     */
    private boolean rewriteReply(List<String> lines, InetAddress camera) {
        String[] status = lines.get(0).split(" ", 3);
        int code = status.length > 1 && status[1].chars().allMatch(Character::isDigit) && status[1].length() == 3
                ? Integer.parseInt(status[1]) : 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("location") && code >= 300 && code < 400) {
                String relayed = redirect(value);
                if (relayed == null) {
                    return false;
                }
                lines.set(i, "Location: " + relayed);
            } else if (name.equals("transport")) {
                String transport = transport(value, camera);
                if (transport == null) {
                    return false;
                }
                lines.set(i, "Transport: " + transport);
            }
        }
        return true;
    }

    /** The relay's own URL for an allowed redirect target, or null when the rules refuse it. */
    private String redirect(String location) {
        URI next;
        try {
            next = new URI(location);
        } catch (URISyntaxException e) {
            refused("RTSP redirect to an unreadable Location '" + Uris.redact(location) + "'");
            return null;
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("rtsp") && !scheme.equals("rtsps")) {
            refused("RTSP redirect to a non-RTSP URL " + Uris.redact(location));
            return null;
        }
        try {
            target = rules.check(next);
            tls = scheme.equals("rtsps");
        } catch (OutboundRefusedException e) {
            refused("RTSP redirect to " + Uris.redact(location) + ": " + e.detail());
            return null;
        } catch (UnknownHostException e) {
            failed("RTSP redirect to " + Uris.redact(location) + " whose host does not resolve");
            return null;
        }
        return throughRelay(next);
    }

    /**
     * The Transport of a SETUP reply with every UDP peer pinned to the camera, or null for a
     * multicast transport.
     */
    private String transport(String value, InetAddress camera) {
        List<String> specs = new ArrayList<>();
        for (String spec : value.split(",")) {
            List<String> params = new ArrayList<>();
            boolean tcp = false;
            for (String p : spec.split(";")) {
                String param = p.strip();
                String key = param.toLowerCase(Locale.ROOT);
                if (key.equals("multicast")) {
                    refused("camera answered SETUP with a multicast transport: " + value);
                    return null;
                }
                if (key.endsWith("/tcp") || key.startsWith("interleaved=")) {
                    tcp = true;
                }
                if (!key.startsWith("source=") && !key.startsWith("destination=") && !param.isEmpty()) {
                    params.add(param);
                }
            }
            if (!tcp) {
                params.add("source=" + camera.getHostAddress());
            }
            specs.add(String.join(";", params));
        }
        return String.join(",", specs);
    }

    private static int contentLength(List<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
                String v = line.substring(colon + 1).strip();
                if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) {
                    return -1;
                }
                return Integer.parseInt(v);
            }
        }
        return 0;
    }

    private static void copy(InputStream in, OutputStream out, int length) throws IOException {
        byte[] buf = new byte[Math.min(Math.max(length, 1), 64 * 1024)];
        int left = length;
        while (left > 0) {
            int n = in.read(buf, 0, Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("camera closed inside a message");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private SSLSocket startTls(Socket plain, Destination d) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, d.host(), d.port(), true);
            socket.setSoTimeout((int) connectTimeout.toMillis());
            socket.startHandshake();
            socket.setSoTimeout(0);
            return socket;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS to the camera: " + e.getMessage(), e);
        }
    }

    /** Cameras carry self-signed certificates; FFmpeg does not verify them either by default. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

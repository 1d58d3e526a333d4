package dev.longwatch.ingest.egress;

import dev.longwatch.ingest.source.Uris;
import dev.longwatch.net.Destination;
import dev.longwatch.net.OutboundRefusedException;
import dev.longwatch.net.OutboundRules;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * An HTTP forward proxy for one source, on loopback, that FFmpeg is told to use ({@code
 * http_proxy}). Each request is a new connection (FFmpeg sends {@code Connection: close}; the
 * proxy forces it), and each one is checked:
 *
 * <ul>
 *   <li>{@code CONNECT host:port} (HTTPS, TLS end to end between FFmpeg and the server): the host
 *       is resolved and checked, the tunnel goes to a checked address;
 *   <li>{@code GET http://host:port/path} (plain HTTP): the same, then the request goes on in
 *       origin form with the proxy headers removed.
 * </ul>
 *
 * A refused target gets {@code 403} and is recorded, so the source fails with "refused by the
 * outbound network rules" instead of an FFmpeg error code; an unreachable one gets {@code 502}.
 * Redirects and HLS segments arrive here as new requests and are checked the same way.
 */
final class HttpEgressProxy extends LoopbackSession {
    private final String url;

    private HttpEgressProxy(OutboundRules rules, Duration connectTimeout, String url) throws IOException {
        super(rules, connectTimeout);
        this.url = url;
    }

    static HttpEgressProxy start(OutboundRules rules, Duration connectTimeout, String url) throws IOException {
        HttpEgressProxy proxy = new HttpEgressProxy(rules, connectTimeout, url);
        proxy.listen("lw-egress-http");
        return proxy;
    }

    @Override
    public String ffmpegUrl() {
        return url;
    }

    @Override
    public String proxyUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    void serve(Socket client) throws IOException {
        client.setSoTimeout((int) connectTimeout.toMillis()); // for the request head only
        InputStream in = new BufferedInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        String head = readHead(in);
        if (head == null) {
            return;
        }
        String[] lines = head.split("\r?\n");
        String[] request = lines[0].split(" ");
        if (request.length != 3) {
            reply(out, 400, "Bad Request");
            return;
        }
        String method = request[0];
        String target = request[1];
        boolean tunnel = method.equals("CONNECT");
        String host;
        int port;
        URI uri = null;
        if (tunnel) {
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || !target.substring(colon + 1).chars().allMatch(Character::isDigit) || colon == target.length() - 1
                    || target.length() - colon > 6) {
                reply(out, 400, "Bad Request");
                return;
            }
            host = target.substring(0, colon);
            port = Integer.parseInt(target.substring(colon + 1));
        } else {
            try {
                uri = new URI(target);
            } catch (URISyntaxException e) {
                reply(out, 400, "Bad Request");
                return;
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                reply(out, 400, "Bad Request"); // HTTPS only as a CONNECT tunnel
                return;
            }
            host = uri.getHost();
            port = uri.getPort() < 0 ? 80 : uri.getPort();
        }
        Destination destination;
        try {
            destination = rules.check(host, port);
        } catch (OutboundRefusedException e) {
            refused(Uris.redact(method + " " + target) + ": " + e.detail());
            reply(out, 403, "Forbidden");
            return;
        } catch (UnknownHostException e) {
            failed("cannot resolve " + host + " for " + Uris.redact(method + " " + target));
            reply(out, 502, "Bad Gateway");
            return;
        }
        Socket upstream;
        try {
            upstream = connect(destination);
        } catch (IOException e) {
            failed("cannot connect to " + host + ":" + port + " (" + destination.addresses() + "): " + e.getMessage());
            reply(out, 502, "Bad Gateway");
            return;
        }
        OutputStream up = upstream.getOutputStream();
        if (tunnel) {
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } else {
            up.write(originRequest(method, uri, lines).getBytes(StandardCharsets.ISO_8859_1));
            up.flush();
        }
        client.setSoTimeout(0); // FFmpeg's rw_timeout decides when a stalled source fails
        pumpInBackground(Thread.currentThread().getName() + "-up", in, up, client, upstream);
        pump(upstream.getInputStream(), out, client, upstream);
    }

    /** The request in origin form, without proxy headers, closing after the response. */
    private static String originRequest(String method, URI uri, String[] lines) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder r = new StringBuilder(method).append(' ').append(path);
        if (uri.getRawQuery() != null) {
            r.append('?').append(uri.getRawQuery());
        }
        r.append(" HTTP/1.1\r\n");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            String name = line.contains(":") ? line.substring(0, line.indexOf(':')).strip().toLowerCase(Locale.ROOT) : "";
            if (line.isEmpty() || name.startsWith("proxy-") || name.equals("connection") || name.equals("keep-alive")) {
                continue;
            }
            r.append(line).append("\r\n");
        }
        return r.append("Connection: close\r\n\r\n").toString();
    }

    private static void reply(OutputStream out, int status, String text) throws IOException {
        out.write(("HTTP/1.1 " + status + " " + text + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}

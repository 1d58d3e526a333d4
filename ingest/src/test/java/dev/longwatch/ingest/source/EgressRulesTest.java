package dev.longwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.longwatch.ingest.source.SourceException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbound rules hold for every connection FFmpeg makes, not just the first URL: a redirect
 * over HTTP and inside HTTPS, HLS segments, and an RTSP 3xx all lead from an allowed server
 * (127.0.0.1, allowed as a lab address) to one the rules refuse (127.0.0.2, loopback). The refused
 * target really serves the media, so a connection that went around the rules would succeed and
 * the test would fail.
 */
class EgressRulesTest {
    @TempDir static Path dir;
    static HttpServer allowed;
    static HttpsServer allowedTls;
    static HttpServer forbidden;
    static HttpsServer forbiddenTls;
    static final List<String> forbiddenHits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void serve() throws Exception {
        assumeTrue(Files.isExecutable(MediaFixtures.FFMPEG), "Debian's ffmpeg missing: apt-get install ffmpeg");
        MediaFixtures.ffmpeg(dir, List.of("-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2",
                "-c:v", "mpeg2video", "-f", "mpegts", "seg.ts"));
        byte[] segment = Files.readAllBytes(dir.resolve("seg.ts"));
        InetAddress loopback2 = InetAddress.getByName("127.0.0.2");
        forbidden = HttpServer.create(new InetSocketAddress(loopback2, 0), 8);
        forbidden.createContext("/", ex -> {
            forbiddenHits.add(ex.getRequestURI().toString());
            reply(ex, 200, segment, Map.of());
        });
        forbidden.start();
        SSLContext tls = TestMediaServer.selfSigned(dir);
        forbiddenTls = HttpsServer.create(new InetSocketAddress(loopback2, 0), 8);
        forbiddenTls.setHttpsConfigurator(new HttpsConfigurator(tls));
        forbiddenTls.createContext("/", ex -> {
            forbiddenHits.add(ex.getRequestURI().toString());
            reply(ex, 200, segment, Map.of());
        });
        forbiddenTls.start();
        String forbiddenHttp = "http://127.0.0.2:" + forbidden.getAddress().getPort();
        String forbiddenHttps = "https://127.0.0.2:" + forbiddenTls.getAddress().getPort();
        String playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
                + "#EXTINF:2.0,\n" + forbiddenHttp + "/seg.ts\n#EXT-X-ENDLIST\n";
        allowed = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        allowed.createContext("/ok.ts", ex -> reply(ex, 200, segment, Map.of()));
        allowed.createContext("/moved", ex -> reply(ex, 302, new byte[0], Map.of("Location", "/ok.ts")));
        allowed.createContext("/away", ex -> reply(ex, 302, new byte[0], Map.of("Location", forbiddenHttp + "/seg.ts")));
        allowed.createContext("/live.m3u8", ex -> reply(ex, 200, playlist.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/vnd.apple.mpegurl")));
        allowed.start();
        allowedTls = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        allowedTls.setHttpsConfigurator(new HttpsConfigurator(tls));
        allowedTls.createContext("/away", ex -> reply(ex, 302, new byte[0], Map.of("Location", forbiddenHttps + "/seg.ts")));
        allowedTls.start();
    }

    @AfterAll
    static void stop() {
        for (HttpServer s : new HttpServer[] {allowed, allowedTls, forbidden, forbiddenTls}) {
            if (s != null) {
                s.stop(0);
            }
        }
    }

    private static void reply(HttpExchange ex, int status, byte[] body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static FrameSourceFactory sources() {
        return TestSources.lab(null, SourceOptions.defaults());
    }

    private static int readAll(String url) throws SourceException {
        try (FrameSource source = sources().open(url)) {
            int n = 0;
            while (source.next().isPresent()) {
                n++;
            }
            return n;
        }
    }

    private static void assertRefused(String url) {
        SourceException e = catchThrowableOfType(SourceException.class, () -> readAll(url));
        assertThat(e).as(url).isNotNull();
        assertThat(e.reason()).as(url).isEqualTo(Reason.REFUSED);
        assertThat(e).hasMessage("source refused by the outbound network rules");
        assertThat(e.detail()).contains("127.0.0.2").contains("loopback");
        assertThat(forbiddenHits).as("requests that reached the refused server").isEmpty();
    }

    @Test
    void shouldFollowARedirectThatStaysWhereTheRulesAllow() throws Exception {
        assertThat(readAll("http://127.0.0.1:" + allowed.getAddress().getPort() + "/moved")).isEqualTo(20);
    }

    @Test
    void shouldRefuseAnHttpRedirectToLoopback() {
        assertRefused("http://127.0.0.1:" + allowed.getAddress().getPort() + "/away");
    }

    @Test
    void shouldRefuseAnHttpsRedirectToLoopbackThoughTheProxyCannotReadIt() {
        // The redirect travels inside TLS: FFmpeg follows it itself, through a new CONNECT.
        assertRefused("https://127.0.0.1:" + allowedTls.getAddress().getPort() + "/away");
    }

    @Test
    void shouldRefuseHlsSegmentsOnLoopback() {
        assertRefused("http://127.0.0.1:" + allowed.getAddress().getPort() + "/live.m3u8");
    }

    @Test
    void shouldRefuseTheFirstUrlBeforeFfmpegSeesIt() {
        SourceException e = catchThrowableOfType(SourceException.class,
                () -> readAll("http://127.0.0.2:" + forbidden.getAddress().getPort() + "/seg.ts"));
        assertThat(e.reason()).isEqualTo(Reason.REFUSED);
        assertThat(forbiddenHits).isEmpty();
    }

    @Test
    void shouldRefuseAnRtspRedirectToLoopback() throws Exception {
        // A camera that answers every request with a redirect to a forbidden address.
        try (ServerSocket camera = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> answerWithRedirect(camera, "rtsp://127.0.0.2:" + forbidden.getAddress().getPort() + "/x"));
            t.setDaemon(true);
            t.start();
            SourceException e = catchThrowableOfType(SourceException.class,
                    () -> readAll("rtsp://127.0.0.1:" + camera.getLocalPort() + "/stream"));
            assertThat(e.reason()).isEqualTo(Reason.REFUSED);
            assertThat(e.detail()).contains("RTSP redirect").contains("127.0.0.2");
            assertThat(forbiddenHits).isEmpty();
        }
    }

    private static void answerWithRedirect(ServerSocket server, String location) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            String cseq = "1";
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.toString().endsWith("\r\n\r\n")) {
                    for (String line : head.toString().split("\r\n")) {
                        if (line.toLowerCase().startsWith("cseq:")) {
                            cseq = line.substring(5).strip();
                        }
                    }
                    s.getOutputStream().write(("RTSP/1.0 302 Moved Temporarily\r\nCSeq: " + cseq + "\r\nLocation: "
                            + location + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    head.setLength(0);
                }
            }
        } catch (IOException e) {
            // the relay closed the connection
        }
    }
}

package dev.longwatch.ingest.source;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTP(S) server serving a directory to FFmpeg as a web server would: byte ranges
 * (FFmpeg seeks with {@code Range} requests) and HTTP Basic authentication, so credentials in a
 * source URL are really used. HTTPS uses a self-signed certificate made by the JDK's keytool.
 */
final class TestMediaServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final String scheme;

    private TestMediaServer(HttpServer server, String scheme, Path root, String user, String password) {
        this.server = server;
        this.scheme = scheme;
        HttpContext context = server.createContext("/", exchange -> serve(root, exchange));
        context.setAuthenticator(
                new BasicAuthenticator("longwatch-test") {
                    @Override
                    public boolean checkCredentials(String u, String p) {
                        return user.equals(u) && password.equals(p);
                    }
                });
        server.setExecutor(executor);
        server.start();
    }

    static TestMediaServer http(Path root, String user, String password) throws IOException {
        return new TestMediaServer(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16),
                "http", root, user, password);
    }

    /** HTTPS with a fresh self-signed key for 127.0.0.1, written to {@code keyDir}. */
    static TestMediaServer https(Path root, String user, String password, Path keyDir) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(selfSigned(keyDir)));
        return new TestMediaServer(server, "https", root, user, password);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The URL of {@code path} under the served directory, with {@code userInfo} ("user:pw") in it. */
    String url(String userInfo, String path) {
        return scheme + "://" + userInfo + "@127.0.0.1:" + port() + "/" + path;
    }

    static SSLContext selfSigned(Path keyDir) throws Exception {
        Path store = keyDir.resolve("test-server.p12");
        char[] pass = "changeit".toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p =
                new ProcessBuilder(
                                List.of(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "RSA",
                                        "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                                        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                                        "-keystore", store.toString(), "-storepass", "changeit"))
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, pass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    private static void serve(Path root, HttpExchange exchange) throws IOException {
        try (exchange) {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(file);
            long from = 0;
            long to = size - 1;
            int status = 200;
            String range = exchange.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range.trim());
            if (m != null && m.matches()) {
                from = Long.parseLong(m.group(1));
                if (!m.group(2).isEmpty()) {
                    to = Math.min(to, Long.parseLong(m.group(2)));
                }
                if (from > to) {
                    exchange.getResponseHeaders().add("Content-Range", "bytes */" + size);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                status = 206;
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + size);
            }
            exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
            exchange.getResponseHeaders().add("Content-Type", contentType(file));
            long length = to - from + 1;
            exchange.sendResponseHeaders(status, length);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                return;
            }
            try (InputStream in = Files.newInputStream(file);
                    OutputStream out = exchange.getResponseBody()) {
                in.skipNBytes(from);
                in.transferTo(new BoundedOutput(out, length));
            } catch (IOException e) {
                // FFmpeg closed the connection mid-body (a seek, or the end of the test): fine.
            }
        }
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".m3u8")) {
            return "application/vnd.apple.mpegurl";
        }
        return name.endsWith(".ts") ? "video/mp2t" : "video/mp4";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Writes at most {@code limit} bytes through. */
    private static final class BoundedOutput extends OutputStream {
        private final OutputStream out;
        private long left;

        BoundedOutput(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (left > 0) {
                out.write(b);
                left--;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            if (n > 0) {
                out.write(b, off, n);
                left -= n;
            }
        }
    }
}

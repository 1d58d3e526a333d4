package dev.longwatch.ingest.egress;

import dev.longwatch.net.Destination;
import dev.longwatch.net.OutboundRules;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both session kinds share: a listening socket on loopback (registered as one of the
 * service's own ports while it is open, so no source can be pointed at it), one thread per
 * accepted connection, connecting out to checked addresses only, and closing everything at once.
 *
 * <p>Lifetime: from {@link #listen} until {@link #close()}; closing ends the accept thread and
 * every connection, which ends their threads (blocked reads fail on a closed socket).
 */
abstract class LoopbackSession implements EgressSession {
    private static final Logger log = LoggerFactory.getLogger(LoopbackSession.class);
    /** Request and response heads larger than this are refused: no real camera or server sends one. */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    final OutboundRules rules;
    final Duration connectTimeout;
    private final ServerSocket server;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    LoopbackSession(OutboundRules rules, Duration connectTimeout) throws IOException {
        this.rules = rules;
        this.connectTimeout = connectTimeout;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        rules.ownPorts().add(server.getLocalPort());
    }

    /** Starts accepting; each connection is handed to {@link #serve} on its own daemon thread. */
    final void listen(String name) {
        Thread acceptor = new Thread(this::acceptLoop, name + "-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    final int port() {
        return server.getLocalPort();
    }

    /** Handles one connection from FFmpeg; exceptions end that connection only. */
    abstract void serve(Socket client) throws IOException;

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            track(client);
            Thread t = new Thread(() -> {
                try {
                    serve(client);
                } catch (IOException | RuntimeException e) {
                    log.debug("egress connection ended: {}", e.toString());
                } finally {
                    closeQuietly(client);
                }
            }, Thread.currentThread().getName() + "-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Connects to the first reachable checked address of {@code d}; never resolves the name. */
    final Socket connect(Destination d) throws IOException {
        IOException last = null;
        for (InetAddress address : d.addresses()) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, d.port()), (int) connectTimeout.toMillis());
                s.setTcpNoDelay(true);
                return track(s);
            } catch (IOException e) {
                closeQuietly(s);
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    final <T extends Closeable> T track(T c) {
        open.add(c);
        if (closed) {
            closeQuietly(c);
        }
        return c;
    }

    final void refused(String detail) {
        refusals.add(detail);
        log.warn("egress refused: {}", detail);
    }

    final void failed(String detail) {
        failures.add(detail);
        log.warn("egress connection failed: {}", detail);
    }

    @Override
    public final List<String> refusals() {
        return Collections.unmodifiableList(new ArrayList<>(refusals));
    }

    @Override
    public final List<String> failures() {
        return Collections.unmodifiableList(new ArrayList<>(failures));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        rules.ownPorts().remove(server.getLocalPort());
        for (Closeable c : List.copyOf(open)) {
            closeQuietly(c);
        }
        open.clear();
    }

    /** Copies {@code in} to {@code out} until either side ends, then closes both. */
    static void pump(InputStream in, OutputStream out, Closeable a, Closeable b) {
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed or reset: the other is closed below
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    /** Starts {@link #pump} on a daemon thread. */
    static void pumpInBackground(String name, InputStream in, OutputStream out, Closeable a, Closeable b) {
        Thread t = new Thread(() -> pump(in, out, a, b), name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reads up to and including the blank line that ends a message head (ISO-8859-1, as HTTP and
     * RTSP heads are), or null at end of stream before any byte.
     *
     * @throws IOException when the head is longer than {@link #MAX_HEAD_BYTES} or the stream ends
     *     inside it
     */
    static String readHead(InputStream in) throws IOException {
        byte[] head = new byte[512];
        int size = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (size == 0) {
                    return null;
                }
                throw new IOException("stream ended inside a message head");
            }
            if (size == MAX_HEAD_BYTES) {
                throw new IOException("message head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (size == head.length) {
                head = java.util.Arrays.copyOf(head, Math.min(MAX_HEAD_BYTES, size * 2));
            }
            head[size++] = (byte) b;
            boolean crlf = size >= 4 && head[size - 4] == '\r' && head[size - 3] == '\n'
                    && head[size - 2] == '\r' && head[size - 1] == '\n';
            boolean lf = size >= 2 && head[size - 2] == '\n' && head[size - 1] == '\n';
            if (crlf || lf) {
                return new String(head, 0, size, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // closing
        }
    }
}

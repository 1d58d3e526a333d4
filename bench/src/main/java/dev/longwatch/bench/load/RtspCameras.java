package dev.longwatch.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cameras of a load run: one GStreamer RTSP server process (Debian's python3-gi and
 * gir1.2-gst-rtsp-server-1.0, driven by {@code rtsp_cameras.py}) serving one mount per camera,
 * {@code cam-0 ... cam-(N-1)}, each a shared clip (camera i gets clip i mod K) at its native
 * frame rate. The process is a child of this JVM: {@link #close()} kills it.
 */
final class RtspCameras implements AutoCloseable {
    /** Not the python3 first on PATH: that one is a separate build without the gi bindings. */
    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final Path script;
    private final String host;
    private final int port;
    private final int count;

    private RtspCameras(Process process, Path script, String host, int port, int count) {
        this.process = process;
        this.script = script;
        this.host = host;
        this.port = port;
        this.count = count;
    }

    /**
     * Starts the server and returns once it listens.
     *
     * @param clips the looped clips ({@link LoopedClips})
     * @param count how many cameras
     * @param address where to listen: loopback for the embedded stack, an address the containers
     *     reach for {@code --server}
     */
    static RtspCameras start(List<Path> clips, int count, InetAddress address) throws IOException {
        Path script = Files.createTempFile("lw-load-cameras", ".py");
        try (InputStream in = RtspCameras.class.getResourceAsStream("rtsp_cameras.py")) {
            Files.write(script, in.readAllBytes());
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, address)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), address.getHostAddress(), Integer.toString(port)));
        for (int i = 0; i < count; i++) {
            command.add(mount(i) + "=" + clips.get(i % clips.size()));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("READY")) {
            process.destroyForcibly();
            Files.deleteIfExists(script);
            throw new IOException("the RTSP camera server did not start (needs " + PYTHON + " with python3-gi and"
                    + " gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good/-bad): " + line);
        }
        // Keep draining its output so a chatty GStreamer never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException e) {
                // the process is gone: nothing left to drain
            }
        }, "load-cameras-output");
        drain.setDaemon(true);
        drain.start();
        return new RtspCameras(process, script, address.getHostAddress(), port, count);
    }

    static String mount(int camera) {
        return "cam-" + camera;
    }

    /** The URI of camera {@code i}. */
    String uri(int camera) {
        String literal = host.contains(":") ? "[" + host + "]" : host;
        return "rtsp://" + literal + ":" + port + "/" + mount(camera);
    }

    int count() {
        return count;
    }

    /** The server's process id, for its CPU time. */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(script);
    }
}

package dev.longwatch.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * GStreamer's RTSP server (Debian's python3-gi + gir1.2-gst-rtsp-server-1.0) as a real child
 * process serving one clip: {@link #kill()} is a camera outage, {@link #pause()} a camera that
 * stalls with its connections still open.
 */
public final class RtspServerProcess implements AutoCloseable {
    /** Not the python3 first on PATH: that one is a separate build without the gi bindings. */
    public static final String PYTHON = "/usr/bin/python3";

    private final Path script;
    private final Path clip;
    private final int port;
    private Process process;

    private RtspServerProcess(Path script, Path clip, int port) {
        this.script = script;
        this.clip = clip;
        this.port = port;
    }

    /** Skips the calling test (with the packages to install) when the server cannot run here. */
    public static void assumeAvailable() throws Exception {
        boolean ok = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process probe =
                    new ProcessBuilder(
                                    PYTHON,
                                    "-c",
                                    "import gi; gi.require_version('GstRtspServer', '1.0');"
                                            + " from gi.repository import GstRtspServer")
                            .redirectErrorStream(true)
                            .start();
            probe.getInputStream().readAllBytes();
            ok = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        }
        assumeTrue(
                ok,
                "RTSP tests skipped: /usr/bin/python3 lacks GStreamer's RTSP server; apt-get install"
                        + " python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base"
                        + " gstreamer1.0-plugins-good gstreamer1.0-plugins-bad");
    }

    /** Starts a server for {@code clip} on a free port and waits until it listens. */
    public static RtspServerProcess start(Path clip) throws Exception {
        Path script = Files.createTempFile("lw-rtsp-server", ".py");
        try (var in = RtspServerProcess.class.getResourceAsStream("/rtsp/rtsp_server.py")) {
            Files.write(script, in.readAllBytes());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RtspServerProcess server = new RtspServerProcess(script, clip, port);
        server.restart();
        return server;
    }

    public String uri() {
        return "rtsp://127.0.0.1:" + port + "/clip";
    }

    public int port() {
        return port;
    }

    /** (Re)starts the server process on the same port; returns once it says READY. */
    void restart() throws IOException {
        process =
                new ProcessBuilder(PYTHON, script.toString(), clip.toString(), Integer.toString(port))
                        .redirectErrorStream(true)
                        .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("READY")) {
            process.destroyForcibly();
            throw new IOException("RTSP server did not start: " + line);
        }
        // Keep draining its output so a chatty GStreamer never blocks on a full pipe.
        Thread drain =
                new Thread(
                        () -> {
                            try {
                                while (out.readLine() != null) {}
                            } catch (IOException e) {
                                // the process died: nothing left to drain
                            }
                        },
                        "rtsp-server-output");
        drain.setDaemon(true);
        drain.start();
    }

    /** SIGKILL: no goodbye to the clients, like a camera losing power. */
    void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the connections stay open but nothing more arrives (a stalled camera). */
    void pause() throws Exception {
        signal("STOP");
    }

    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            resume();
            kill();
        }
        Files.deleteIfExists(script);
    }
}

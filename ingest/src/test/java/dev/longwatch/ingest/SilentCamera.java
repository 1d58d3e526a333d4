package dev.longwatch.ingest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A camera that is down in the worst way: its port accepts the connection and then never says a
 * word, so every attempt runs into the timeout instead of being refused at once (what a camera
 * behind a dead switch or a hung firmware looks like). Counts the connections it swallowed.
 */
final class SilentCamera implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    SilentCamera() throws IOException {
        server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept()); // kept open, never read from or written to
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-camera");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url(String path) {
        return "rtsp://127.0.0.1:" + server.getLocalPort() + "/" + path;
    }

    int connectionsSwallowed() {
        return held.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}

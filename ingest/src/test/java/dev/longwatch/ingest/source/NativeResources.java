package dev.longwatch.ingest.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What FFmpeg holds in this process, read from /proc: its own threads (FFmpeg names them
 * {@code av:...}, e.g. the decoder's frame threads {@code av:h264:df0}), open descriptors of a
 * file, and TCP sockets connected to a server port. Linux only.
 */
final class NativeResources {
    private NativeResources() {}

    /** Names of this process's threads that FFmpeg started. */
    static List<String> ffmpegThreads() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (name.startsWith("av:")) {
                        names.add(name);
                    }
                } catch (IOException e) {
                    // the thread ended while listing
                }
            }
        }
        return names;
    }

    /** Threads of the egress sessions (HTTP proxy, RTSP relay) alive now. */
    static List<String> egressThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("lw-egress-"))
                .toList();
    }

    /** Waits up to 5 s for the egress threads to end (they end when their sockets close). */
    static void awaitNoEgressThreads() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!egressThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!egressThreads().isEmpty()) {
            throw new AssertionError("egress threads still alive after close: " + egressThreads());
        }
    }

    /** How many of this process's descriptors are open on {@code file}. */
    static long descriptorsOn(Path file) throws IOException {
        Path real = file.toRealPath();
        return descriptorTargets().stream().filter(t -> t.equals(real.toString())).count();
    }

    /**
     * How many of this process's TCP sockets are connected to {@code remotePort} on loopback
     * (client sides only: a server in this JVM has the port as its local port).
     */
    static long tcpConnectionsTo(int remotePort) throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String target : descriptorTargets()) {
            if (target.startsWith("socket:[")) {
                inodes.add(target.substring(8, target.length() - 1));
            }
        }
        String port = String.format(Locale.ROOT, ":%04X", remotePort);
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[2].endsWith(port) && inodes.contains(f[9])) {
                    n++;
                }
            }
        }
        return n;
    }

    private static List<String> descriptorTargets() throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return targets;
    }
}

package dev.longwatch.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The TCP sockets this JVM listens on, as the kernel reports them: {@code /proc/self/net/tcp} and
 * {@code tcp6} list every socket of the network namespace; those whose inode is behind one of
 * this process's file descriptors ({@code /proc/self/fd -> socket:[inode]}) are ours.
 */
final class ListeningSockets {
    private static final String LISTEN = "0A";
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    private ListeningSockets() {}

    static List<InetSocketAddress> ofThisProcess() throws IOException {
        Set<String> inodes = socketInodes(Path.of("/proc/self/fd"));
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path path = Path.of(table);
            if (Files.exists(path)) {
                listening.addAll(parse(Files.readAllLines(path), inodes));
            }
        }
        return listening;
    }

    /** The listening entries of a {@code /proc/net/tcp[6]} table whose inode is in {@code inodes}. */
    static List<InetSocketAddress> parse(List<String> table, Set<String> inodes) throws UnknownHostException {
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String line : table.subList(1, table.size())) {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            String[] fields = line.strip().split("\\s+");
            if (fields.length > 9 && LISTEN.equals(fields[3]) && inodes.contains(fields[9])) {
                String[] hostAndPort = fields[1].split(":");
                listening.add(new InetSocketAddress(
                        InetAddress.getByAddress(address(hostAndPort[0])), Integer.parseInt(hostAndPort[1], 16)));
            }
        }
        return listening;
    }

    /** The kernel prints each 32-bit word of the address in host byte order (little-endian here). */
    static byte[] address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + b) * 2;
                bytes[word * 4 + 3 - b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return bytes;
    }

    private static Set<String> socketInodes(Path fds) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    Matcher socket = SOCKET_LINK.matcher(Files.readSymbolicLink(link).toString());
                    if (socket.matches()) {
                        inodes.add(socket.group(1));
                    }
                } catch (IOException closedMeanwhile) {
                    // A descriptor closed between the listing and the read is not a listener.
                }
            }
        }
        return inodes;
    }
}

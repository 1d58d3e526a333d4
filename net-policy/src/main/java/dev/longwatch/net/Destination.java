package dev.longwatch.net;

import java.net.InetAddress;
import java.util.List;

/**
 * A destination that passed {@link OutboundRules}: connect to one of {@code addresses} (in order),
 * never to a fresh resolution of {@code host}, or a second lookup could answer differently (DNS
 * rebinding).
 *
 * @param host the host as the URL named it, for Host headers, TLS SNI and logs
 * @param port the port, the scheme's default filled in
 * @param addresses every address the host resolved to, each checked
 */
public record Destination(String host, int port, List<InetAddress> addresses) {
    public Destination {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a destination needs at least one address");
        }
    }
}

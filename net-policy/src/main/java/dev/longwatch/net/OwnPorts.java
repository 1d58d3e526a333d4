package dev.longwatch.net;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP ports this service listens on (HTTP API, metrics, the embedded broker, the egress
 * proxy's sessions...). {@link OutboundRules} never lets a source reach one of them on any
 * address of this host, not even when the operator allows loopback for a lab. Components add
 * their port when they bind and remove it when they close. Thread-safe.
 */
public final class OwnPorts {
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();

    public OwnPorts add(int port) {
        if (port > 0) {
            ports.add(port);
        }
        return this;
    }

    public void remove(int port) {
        ports.remove(port);
    }

    public boolean contains(int port) {
        return ports.contains(port);
    }

    public Set<Integer> snapshot() {
        return Set.copyOf(ports);
    }
}

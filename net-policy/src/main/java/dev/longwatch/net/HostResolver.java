package dev.longwatch.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Every address a host name resolves to; the system resolver in production, a table in tests. */
@FunctionalInterface
public interface HostResolver {
    HostResolver SYSTEM = InetAddress::getAllByName;

    /**
     * @return at least one address
     * @throws UnknownHostException when the name does not resolve
     */
    InetAddress[] resolve(String host) throws UnknownHostException;
}

package dev.longwatch.query.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the API may listen: without tokens it is open to anyone who can connect, so it may only
 * bind a loopback address; with tokens anywhere.
 */
public final class BindPolicy {
    private BindPolicy() {}

    /** Throws with what to change when {@code bindHost} is not allowed for {@code tokens}. */
    public static void check(String bindHost, ApiTokens tokens) {
        if (!tokens.open() || isLoopback(bindHost)) {
            return;
        }
        throw new IllegalStateException(
                "refusing to serve the API without authentication on '" + bindHost
                        + "', which is not a loopback address: set " + ApiTokens.ENV
                        + " (e.g. \"tokenA=cam-*,lobby;tokenB=*\") or bind to 127.0.0.1"
                        + " (LONGWATCH_HTTP_HOST)");
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

package dev.longwatch.net;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/** Whether an address belongs to this host (any interface, loopback included). */
@FunctionalInterface
public interface LocalAddresses {
    /**
     * The host's interfaces as the kernel reports them now: an address added to an interface
     * later (a VPN, a container bridge) is local from then on.
     */
    LocalAddresses SYSTEM =
            address -> {
                if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
                    return true;
                }
                try {
                    return NetworkInterface.getByInetAddress(address) != null;
                } catch (SocketException e) {
                    return true; // cannot tell: assume it is ours, which refuses it
                }
            };

    boolean isLocal(InetAddress address);
}

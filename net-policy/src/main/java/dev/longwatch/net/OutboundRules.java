package dev.longwatch.net;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The rule every outbound connection that a user's URL can cause must pass. A host is resolved to
 * every one of its addresses, and it is allowed only when each address is; the caller then
 * connects to those checked addresses ({@link Destination}) and never resolves the name again.
 *
 * <p>Per address, in this order (the first rule that applies decides):
 *
 * <ol>
 *   <li>Never, whatever the operator says: the unspecified network ({@code 0.0.0.0/8}, {@code ::},
 *       which Linux connects to this host), multicast, broadcast and the reserved {@code
 *       240.0.0.0/4}; and any of this service's own ports ({@link OwnPorts}) on an address of this
 *       host.
 *   <li>Operator deny networks ({@code --deny-network}, {@code LONGWATCH_DENY_NETWORKS}): refused.
 *       Deny beats allow: to open a hole in a denied range, narrow the deny instead.
 *   <li>Operator allow networks ({@code --allow-network}, {@code LONGWATCH_ALLOW_NETWORKS}):
 *       allowed, even when the built-in rules below would refuse it (a lab camera on {@code
 *       127.0.0.1/32}, a camera on this very host).
 *   <li>Built in, refused: loopback ({@code 127.0.0.0/8}, {@code ::1}), link-local ({@code
 *       169.254.0.0/16} where cloud metadata services live, {@code fe80::/10}) and every address
 *       of this host's interfaces (which reach the same services as loopback).
 *   <li>Everything else is allowed, private LAN ranges included: cameras live there.
 * </ol>
 *
 * IPv6 forms that carry an IPv4 address (mapped {@code ::ffff:0:0/96}, compatible {@code ::/96},
 * NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}, Teredo {@code 2001::/32}) are checked for
 * the embedded address too, so {@code 64:ff9b::7f00:1} is loopback.
 *
 * <p>Pure apart from the resolver and the host's interface list, both injected; thread-safe.
 */
public final class OutboundRules {
    private static final Cidr UNSPECIFIED_V4 = Cidr.parse("0.0.0.0/8");
    private static final Cidr RESERVED_V4 = Cidr.parse("240.0.0.0/4"); // broadcast included
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr TEREDO = Cidr.parse("2001::/32");
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");

    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final OwnPorts ownPorts;
    private final HostResolver resolver;
    private final LocalAddresses local;

    public OutboundRules(
            List<Cidr> allow,
            List<Cidr> deny,
            OwnPorts ownPorts,
            HostResolver resolver,
            LocalAddresses local) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
        this.ownPorts = Objects.requireNonNull(ownPorts, "ownPorts");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.local = Objects.requireNonNull(local, "local");
    }

    /** The built-in rules only, with the system resolver and interfaces. */
    public static OutboundRules defaults(OwnPorts ownPorts) {
        return new OutboundRules(List.of(), List.of(), ownPorts, HostResolver.SYSTEM, LocalAddresses.SYSTEM);
    }

    /** Operator networks on top of the built-in rules, with the system resolver and interfaces. */
    public static OutboundRules of(List<Cidr> allow, List<Cidr> deny, OwnPorts ownPorts) {
        return new OutboundRules(allow, deny, ownPorts, HostResolver.SYSTEM, LocalAddresses.SYSTEM);
    }

    /**
     * From {@code LONGWATCH_ALLOW_NETWORKS} and {@code LONGWATCH_DENY_NETWORKS}, each a
     * comma-separated list of CIDR networks; both default to empty (the built-in rules only).
     *
     * @throws IllegalArgumentException naming the variable and the value that is not a network
     */
    public static OutboundRules fromEnvironment(Map<String, String> env, OwnPorts ownPorts) {
        return of(
                networks(env.getOrDefault("LONGWATCH_ALLOW_NETWORKS", ""), "LONGWATCH_ALLOW_NETWORKS"),
                networks(env.getOrDefault("LONGWATCH_DENY_NETWORKS", ""), "LONGWATCH_DENY_NETWORKS"),
                ownPorts);
    }

    /** A comma-separated list of CIDR networks; blank entries are skipped. */
    public static List<Cidr> networks(String commaSeparated, String settingName) {
        List<Cidr> out = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Cidr.parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(settingName + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    public List<Cidr> allowNetworks() {
        return allow;
    }

    public List<Cidr> denyNetworks() {
        return deny;
    }

    public OwnPorts ownPorts() {
        return ownPorts;
    }

    /** These rules with another resolver (tests, or a resolver with a timeout). */
    public OutboundRules withResolver(HostResolver other) {
        return new OutboundRules(allow, deny, ownPorts, other, local);
    }

    /**
     * Checks the host and port of an absolute URL; the port defaults by scheme (http 80, https
     * 443, rtsp 554, rtsps 322).
     *
     * @throws OutboundRefusedException when any address is refused, or the URL has no host
     * @throws UnknownHostException when the host does not resolve
     */
    public Destination check(URI uri) throws OutboundRefusedException, UnknownHostException {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new OutboundRefusedException("URL without a host");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        if (port <= 0) {
            throw new OutboundRefusedException("no port for scheme '" + uri.getScheme() + "'");
        }
        return check(host, port);
    }

    /**
     * Resolves {@code host} and checks every address with {@code port}.
     *
     * @param host a name, a numeric IPv4 address or an IPv6 address (brackets allowed)
     * @throws OutboundRefusedException when any address is refused
     * @throws UnknownHostException when the host does not resolve
     */
    public Destination check(String host, int port) throws OutboundRefusedException, UnknownHostException {
        if (port < 1 || port > 65535) {
            throw new OutboundRefusedException("port " + port + " is out of range");
        }
        String name = bare(host);
        if (name.isEmpty()) {
            throw new OutboundRefusedException("empty host");
        }
        InetAddress[] addresses = resolver.resolve(name);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(name + " resolved to no address");
        }
        for (InetAddress address : addresses) {
            Optional<String> why = refusal(address, port);
            if (why.isPresent()) {
                throw new OutboundRefusedException(
                        host + ":" + port + " resolves to " + address.getHostAddress() + ", " + why.get());
            }
        }
        return new Destination(name, port, List.of(addresses));
    }

    /** Why a connection to {@code address:port} is refused, or empty when it is allowed. */
    public Optional<String> refusal(InetAddress address, int port) {
        List<byte[]> forms = forms(address.getAddress());
        for (byte[] form : forms) {
            if (neverASource(form)) {
                return Optional.of("an unspecified, multicast, broadcast or reserved address, never a source");
            }
        }
        if (ownPorts.contains(port) && (local.isLocal(address) || forms.stream().anyMatch(OutboundRules::loopback))) {
            return Optional.of("port " + port + " of this host, one of this service's own ports");
        }
        for (Cidr network : deny) {
            for (byte[] form : forms) {
                if (network.contains(form)) {
                    return Optional.of("inside the denied network " + network);
                }
            }
        }
        for (Cidr network : allow) {
            if (network.contains(address)) {
                return Optional.empty();
            }
        }
        for (byte[] form : forms) {
            if (loopback(form)) {
                return Optional.of("a loopback address");
            }
            if (linkLocal(form)) {
                return Optional.of("a link-local address (where cloud metadata services answer)");
            }
        }
        if (local.isLocal(address)) {
            return Optional.of("an address of this host");
        }
        return Optional.empty();
    }

    private static int defaultPort(String scheme) {
        if (scheme == null) {
            return -1;
        }
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http" -> 80;
            case "https" -> 443;
            case "rtsp" -> 554;
            case "rtsps" -> 322;
            default -> -1;
        };
    }

    /** Strips IPv6 brackets and a trailing dot, and turns an internationalised name to ASCII. */
    private static String bare(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.indexOf(':') < 0) {
            try {
                h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return ""; // not a valid host name at all: refused as empty
            }
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** The address and every IPv4 address embedded in it (IPv6 transition forms). */
    static List<byte[]> forms(byte[] address) {
        List<byte[]> forms = new ArrayList<>(2);
        forms.add(address);
        if (address.length != 16) {
            return forms;
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= address[i] == 0;
        }
        mapped &= address[10] == (byte) 0xff && address[11] == (byte) 0xff;
        // A compatible address with a zero first byte is ::, ::1 or a prefix of them, not IPv4.
        boolean compatible = COMPATIBLE.contains(address) && address[12] != 0;
        if (mapped || compatible || NAT64.contains(address)) {
            forms.add(slice(address, 12));
        }
        if (SIX_TO_FOUR.contains(address)) {
            forms.add(slice(address, 2));
        }
        if (TEREDO.contains(address)) {
            byte[] server = slice(address, 4);
            byte[] client = slice(address, 12);
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i]; // Teredo stores the client's address inverted
            }
            forms.add(server);
            forms.add(client);
        }
        return forms;
    }

    private static byte[] slice(byte[] address, int from) {
        byte[] v4 = new byte[4];
        System.arraycopy(address, from, v4, 0, 4);
        return v4;
    }

    private static boolean neverASource(byte[] a) {
        if (a.length == 4) {
            return UNSPECIFIED_V4.contains(a) || RESERVED_V4.contains(a) || (a[0] & 0xf0) == 0xe0;
        }
        boolean zero = true;
        for (byte b : a) {
            zero &= b == 0;
        }
        return zero || a[0] == (byte) 0xff; // :: and ff00::/8 multicast
    }

    private static boolean loopback(byte[] a) {
        if (a.length == 4) {
            return a[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[15] == 1;
    }

    private static boolean linkLocal(byte[] a) {
        if (a.length == 4) {
            return a[0] == (byte) 169 && a[1] == (byte) 254;
        }
        return a[0] == (byte) 0xfe && (a[1] & 0xc0) == 0x80;
    }

    @Override
    public String toString() {
        return "outbound rules (deny " + deny + ", allow " + allow
                + ", built in: loopback, link-local, this host, own ports " + ownPorts.snapshot() + ")";
    }
}

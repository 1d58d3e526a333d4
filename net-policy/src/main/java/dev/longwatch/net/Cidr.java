package dev.longwatch.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fe80::/10}); a bare address
 * is a /32 or /128. Parsed without DNS: only numeric addresses are accepted, so a configuration
 * value can never trigger a lookup.
 *
 * @param network the network's address bytes (4 or 16), host bits cleared
 * @param prefix the prefix length, 0 to 32 (IPv4) or 128 (IPv6)
 */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + network.length);
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix /" + prefix + " is out of range");
        }
        network = mask(network.clone(), prefix);
    }

    /**
     * Parses {@code a.b.c.d/n}, {@code x:y::z/n} or a bare numeric address.
     *
     * @throws IllegalArgumentException for anything else, host names included
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty network; expected CIDR like 10.0.0.0/8");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = numeric(address, text);
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
            }
            prefix = Integer.parseInt(p);
        }
        return new Cidr(bytes, prefix);
    }

    /** True when {@code address} is inside this network (IPv4 only matches IPv4, IPv6 IPv6). */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(address.clone(), prefix), network);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes, checked in the constructor
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        return bytes;
    }

    /** A numeric address only: {@link InetAddress#getByName} would resolve a host name. */
    private static byte[] numeric(String address, String original) {
        String a = address.toLowerCase(Locale.ROOT);
        boolean v4 = !a.isEmpty() && a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        boolean v6 = a.indexOf(':') >= 0
                && a.chars().allMatch(c -> c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        if (v4) {
            String[] parts = a.split("\\.", -1);
            if (parts.length != 4) {
                throw invalid(original);
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    throw invalid(original);
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw invalid(original);
                }
                bytes[i] = (byte) v;
            }
            return bytes;
        }
        if (v6) {
            try {
                // Only hex digits, ':' and '.' reach here, so this parses and never looks anything up.
                byte[] bytes = InetAddress.getByName(a).getAddress();
                if (bytes.length == 4) {
                    // ::ffff:a.b.c.d comes back as IPv4; keep the notation's family.
                    byte[] mapped = new byte[16];
                    mapped[10] = (byte) 0xff;
                    mapped[11] = (byte) 0xff;
                    System.arraycopy(bytes, 0, mapped, 12, 4);
                    return mapped;
                }
                return bytes;
            } catch (UnknownHostException e) {
                throw invalid(original);
            }
        }
        throw invalid(original);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "'" + text + "' is not a network in CIDR notation (e.g. 10.0.0.0/8, fd00::/8, 192.168.1.20)");
    }
}

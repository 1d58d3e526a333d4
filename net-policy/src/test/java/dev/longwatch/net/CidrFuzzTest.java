package dev.longwatch.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Operator networks and hosts from URLs are outside input: parsing a network either succeeds or
 * says why, and the rule either pins only addresses it checked or refuses; nothing else escapes.
 * The seed corpus runs in every build; {@code JAZZER_FUZZ=1} makes it a campaign (FUZZING.md).
 */
class CidrFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void parseAndCheck(FuzzedDataProvider data) throws Exception {
        String network = data.consumeString(64);
        Cidr cidr;
        try {
            cidr = Cidr.parse(network);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            cidr = null;
        }
        byte[] raw = data.consumeBytes(data.consumeBoolean() ? 4 : 16);
        if (raw.length != 4 && raw.length != 16) {
            return;
        }
        InetAddress address = InetAddress.getByAddress(raw);
        int port = data.consumeInt(1, 65535);
        OutboundRules rules =
                new OutboundRules(
                        cidr == null ? List.of() : List.of(cidr),
                        List.of(),
                        new OwnPorts().add(9400),
                        host -> {
                            throw new UnknownHostException(host);
                        },
                        a -> a.isLoopbackAddress());
        // The refusal of an address is a pure function of it: asking twice answers the same.
        assertThat(rules.refusal(address, port)).isEqualTo(rules.refusal(address, port));
        if (address.isLoopbackAddress() && port == 9400) {
            assertThat(rules.refusal(address, port)).isPresent();
        }
        if (address.isMulticastAddress() || address.isAnyLocalAddress()) {
            assertThat(rules.refusal(address, port)).isPresent();
        }
        if (cidr == null && (address.isLoopbackAddress() || address.isLinkLocalAddress())) {
            assertThat(rules.refusal(address, port)).isPresent();
        }
    }
}

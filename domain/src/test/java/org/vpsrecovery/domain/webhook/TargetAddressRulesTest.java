package org.vpsrecovery.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSRF guard's address classes; IP literals only, so InetAddress does no lookup. */
class TargetAddressRulesTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void publicAddressesAreAllowed() {
        for (String ok : List.of("93.184.215.14", "8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "2606:4700::1111")) {
            assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip(ok))).as(ok).isEmpty();
        }
    }

    @Test
    void specialUseAddressesAreRefusedByDefault() {
        for (String bad : List.of("127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "169.254.169.254",
                "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.5", "198.51.100.7",
                "203.0.113.9", "198.18.0.1", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1",
                "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
                "::7f00:1", "2001:db8::1", "fec0::1")) {
            assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip(bad))).as(bad).isPresent();
        }
    }

    /** Inside 2000::/3 yet not plainly global: 6to4 is its IPv4's, Teredo and benchmarking are never reached. */
    @Test
    void sixToFourIsJudgedByItsIpv4AndTeredoAndBenchmarkingAreRefused() {
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2002:a9fe:a9fe::1"))).contains("a 6to4 address of link-local");
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2002:7f00:1::"))).contains("a 6to4 address of loopback");
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2002:0a00:0001::5"))).hasValueSatisfying(
                why -> assertThat(why).contains("private"));
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2002:0808:0808::1"))).as("8.8.8.8 inside").isEmpty();
        assertThat(new TargetAddressRules(false, true).refusal(ip("2002:0a00:0001::5"))).isEmpty();
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2001:0:4136:e378:8000:63bf:3fff:fdd2")))
                .contains("a Teredo tunnel address");
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2001:2::1"))).contains("a benchmarking address");
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2001:2:1::1"))).as("outside 2001:2::/48").isEmpty();
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(ip("2001:4860:4860::8888"))).isEmpty();
    }

    @Test
    void loopbackAndPrivateNetworksOnlyWhenAllowedAndLinkLocalNever() {
        TargetAddressRules loopback = new TargetAddressRules(true, false);
        assertThat(loopback.refusal(ip("127.0.0.1"))).isEmpty();
        assertThat(loopback.refusal(ip("::1"))).isEmpty();
        assertThat(loopback.refusal(ip("10.0.0.1"))).isPresent();

        TargetAddressRules both = new TargetAddressRules(true, true);
        assertThat(both.refusal(ip("10.0.0.1"))).isEmpty();
        assertThat(both.refusal(ip("fd00::5"))).isEmpty();
        assertThat(both.refusal(ip("169.254.169.254"))).contains("link-local");
        assertThat(both.refusal(ip("fe80::1"))).contains("link-local");
        assertThat(both.refusal(ip("0.0.0.0"))).isPresent();
    }

    @Test
    void oneRefusedAddressAmongAHostsAddressesRefusesIt() {
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(List.of(ip("8.8.8.8"), ip("10.0.0.1"))))
                .hasValueSatisfying(why -> assertThat(why).contains("private").doesNotContain("10.0.0.1"));
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(List.of())).isPresent();
        assertThat(TargetAddressRules.PUBLIC_ONLY.refusal(List.of(ip("8.8.8.8"), ip("1.1.1.1")))).isEmpty();
    }
}

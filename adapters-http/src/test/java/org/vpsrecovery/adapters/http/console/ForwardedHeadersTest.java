package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.http.HttpRequest;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The balancer's headers are believed only from a peer in {@code vpsr.console.sign-in.trusted-proxies}, and the client
 * is the rightmost X-Forwarded-For entry not in it (ADR 0041, amended in session 52). Before, any peer was believed
 * under {@code client-address=x-forwarded-for}, and the last entry was the client whoever appended it. Over HTTP:
 * ConsoleSignInThrottleEndToEndTest and ConsoleSessionCookieEndToEndTest.
 */
class ForwardedHeadersTest {

    private static final ForwardedHeaders BEHIND_TWO_BALANCERS =
            new ForwardedHeaders("x-forwarded-for", List.of("127.0.0.0/8", "::1", "10.0.0.0/8"));

    /** A request whose peer is {@code peer} (Micronaut's plain request answers its URI's host). */
    private static HttpRequest<?> fromPeer(String peer, String forwardedFor) {
        return HttpRequest.POST("http://" + peer + ":8080/console/sign-in", "").header("X-Forwarded-For", forwardedFor)
                .header("X-Forwarded-Proto", "https");
    }

    private static String client(ForwardedHeaders headers, HttpRequest<?> request) {
        return headers.forwardedFor(request).map(InetAddress::getHostAddress).orElse("the peer");
    }

    @Test
    void theClientIsTheRightmostEntryThatIsNoTrustedProxy() {
        assertThat(client(BEHIND_TWO_BALANCERS, fromPeer("127.0.0.1", "203.0.113.9, 198.51.100.7, 10.1.2.3")))
                .isEqualTo("198.51.100.7");
        assertThat(client(BEHIND_TWO_BALANCERS, fromPeer("127.0.0.1", "198.51.100.7"))).isEqualTo("198.51.100.7");
        // A client on a trusted host: every entry trusted, the leftmost counts.
        assertThat(client(BEHIND_TWO_BALANCERS, fromPeer("127.0.0.1", "10.0.0.5, 127.0.0.1"))).isEqualTo("10.0.0.5");
        // What lies left of an entry that is no IP literal the client chose: the last trusted one passed counts.
        assertThat(client(BEHIND_TWO_BALANCERS, fromPeer("127.0.0.1", "198.51.100.7, evil.example, 10.1.2.3")))
                .isEqualTo("10.1.2.3");
        assertThat(client(BEHIND_TWO_BALANCERS, fromPeer("127.0.0.1", "evil.example"))).isEqualTo("the peer");
        assertThat(BEHIND_TWO_BALANCERS.forwardedHttps(fromPeer("127.0.0.1", "198.51.100.7"))).isTrue();
    }

    @Test
    void aPeerNotListedIsNotBelieved() {
        HttpRequest<?> direct = fromPeer("192.0.2.200", "198.51.100.7");

        assertThat(client(BEHIND_TWO_BALANCERS, direct)).isEqualTo("the peer");
        assertThat(BEHIND_TWO_BALANCERS.forwardedHttps(direct)).isFalse();
        FailedSignIns throttle = new FailedSignIns(10, 100, java.time.Duration.ofMinutes(1), 10, null, 16,
                BEHIND_TWO_BALANCERS, null, java.time.Clock.systemUTC());
        assertThat(throttle.clientAddress(direct)).isEqualTo("192.0.2.200");
    }

    @Test
    void byDefaultLoopbackIsTheTrustedProxy() {
        ForwardedHeaders byDefault = new ForwardedHeaders("x-forwarded-for");

        assertThat(client(byDefault, fromPeer("127.0.0.1", "198.51.100.7, 127.0.0.1"))).isEqualTo("198.51.100.7");
        assertThat(client(byDefault, fromPeer("[::1]", "2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(client(byDefault, fromPeer("10.1.2.3", "198.51.100.7"))).isEqualTo("the peer");
        assertThat(client(new ForwardedHeaders("peer"), fromPeer("127.0.0.1", "198.51.100.7"))).isEqualTo("the peer");
    }

    @Test
    void aTrustedProxyThatIsNoIpOrCidrRefusesTheStartNamingTheKey() {
        for (String wrong : new String[] {"nginx.internal", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/x", "", "127.1"}) {
            assertThatThrownBy(() -> new ForwardedHeaders("x-forwarded-for", List.of(wrong))).as(wrong)
                    .hasMessageContaining("vpsr.console.sign-in.trusted-proxies");
        }
        assertThatThrownBy(() -> new ForwardedHeaders("x-forwarded-for", List.of()))
                .hasMessageContaining("vpsr.console.sign-in.trusted-proxies must list at least one");
        assertThat(client(new ForwardedHeaders("x-forwarded-for", List.of("192.0.2.0/24", "2001:db8::/32")),
                fromPeer("192.0.2.9", "198.51.100.7"))).isEqualTo("198.51.100.7");
    }
}

package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The ceiling over every address together, and what counts against which address (ADR 0041, amended in session 50);
 * the per-address throttle, its page and its log are ConsoleSignInThrottleEndToEndTest's, over HTTP.
 */
class FailedSignInsTest {

    private static FailedSignIns throttle(long perAddress, long overall) {
        return new FailedSignIns(perAddress, overall, Duration.ofHours(1), 100, new ForwardedHeaders("x-forwarded-for"),
                Clock.systemUTC());
    }

    private static HttpRequest<?> from(String forwardedFor) {
        return HttpRequest.POST("/console/sign-in", "").header("X-Forwarded-For", forwardedFor);
    }

    @Test
    void failuresFromManyAddressesMeetTheOverallCeilingYetARightTokenIsStillChecked() {
        FailedSignIns throttle = throttle(2, 4);
        for (String address : new String[] {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"}) {
            assertThat(throttle.failed(throttle.admit(from(address)).attempt().orElseThrow(), "the token was refused"))
                    .isEmpty();
        }

        // Past the ceiling a failure is told to wait (429), but the attempt is still checked: a flood from many
        // addresses must not keep a person with a right token out (own-merge review, session 50).
        FailedSignIns.Admission fifth = throttle.admit(from("192.0.2.5"));
        assertThat(fifth.attempt()).isPresent();
        assertThat(throttle.failed(fifth.attempt().get(), "the token was refused")).hasValueSatisfying(
                wait -> assertThat(wait).isPositive());
        FailedSignIns.Admission rightToken = throttle.admit(from("192.0.2.6"));
        assertThat(rightToken.attempt()).isPresent();
        throttle.notFailed(rightToken.attempt().get());
    }

    @Test
    void anAttemptThatDidNotFailGivesItsShareBack() {
        FailedSignIns throttle = throttle(1, 1);
        for (int i = 0; i < 3; i++) {
            throttle.notFailed(throttle.admit(from("192.0.2.9")).attempt().orElseThrow());
        }
        throttle.failed(throttle.admit(from("192.0.2.9")).attempt().orElseThrow(), "the token was refused");

        assertThat(throttle.admit(from("192.0.2.9")).attempt()).isEmpty();
    }

    @Test
    void theBalancersAppendedValueCountsAndAnIpv6ClientByItsSlash64() {
        FailedSignIns throttle = throttle(1, 10);

        assertThat(throttle.clientAddress(from("203.0.113.5, 192.0.2.7"))).isEqualTo("192.0.2.7");
        assertThat(throttle.clientAddress(from("2001:db8:1:2:aaaa::1"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(throttle.clientAddress(from("2001:db8:1:2:bbbb::9")))
                .isEqualTo(throttle.clientAddress(from("2001:db8:1:2:aaaa::1")));
        // Not an IP literal: never looked up, the connection's peer instead.
        assertThat(throttle.clientAddress(from("evil.example"))).doesNotContain("evil");
    }

    /**
     * A value that is no standard IP literal is the peer's address, never resolved: {@code InetAddress.getByName} read
     * "3221225985" and "192.0.513" as 192.0.2.1 and looked "1.2.3.4.5" up in the DNS (session 51).
     */
    @Test
    void aForwardedValueThatIsNoStandardIpLiteralCountsAsThePeerAndIsNeverLookedUp() {
        FailedSignIns throttle = throttle(1, 10);
        String peer = throttle.clientAddress(HttpRequest.POST("/console/sign-in", ""));

        for (String notALiteral : new String[] {"localhost", "3221225985", "192.0.513", "1.2.3.4.5", "0xc0.0.2.1",
                "::1:"}) {
            assertThat(throttle.clientAddress(from(notALiteral))).as(notALiteral).isEqualTo(peer);
        }
        assertThat(throttle.clientAddress(from("198.51.100.4"))).isEqualTo("198.51.100.4");
    }

    @Test
    void settingsOutOfRangeRefuseTheStartNamingTheirKey() {
        assertThatThrownBy(() -> throttle(0, 10)).hasMessageContaining("vpsr.console.sign-in.failures-per-address");
        assertThatThrownBy(() -> throttle(10, 5)).hasMessageContaining("vpsr.console.sign-in.failures-overall");
        assertThatThrownBy(() -> new ForwardedHeaders("forwarded"))
                .hasMessageContaining("vpsr.console.sign-in.client-address");
    }
}

package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Failed console sign-ins are throttled per client address and logged once per address and interval, never with the
 * token (ADR 0041, amended in session 50); they were neither. Over real HTTP on loopback, each test its own client
 * address as the balancer in front appends it to X-Forwarded-For ({@code client-address=x-forwarded-for}).
 */
class ConsoleSignInThrottleEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of(
            "vpsr.console.sign-in.failures-per-address", "3",
            "vpsr.console.sign-in.failures-overall", "1000",
            "vpsr.console.sign-in.failure-interval", "1h",
            "vpsr.console.sign-in.client-address", "x-forwarded-for"));

    private static final String WRONG = "not-a-token-of-this-service-7f3a9c";

    /** A browser behind the balancer: a spoofed first value, then the address the balancer appended. */
    private static ConsoleClient from(String address) {
        return new ConsoleClient(URI.create(SETUP.platform().server.getURL().toString()),
                Map.of("X-Forwarded-For", "10.9.8.7, " + address));
    }

    private static List<ILoggingEvent> signInLines(List<ILoggingEvent> events) {
        return events.stream().filter(e -> e.getLoggerName().endsWith(".FailedSignIns")).toList();
    }

    @Test
    void anAddressPastItsFailuresIs429WithRetryAfterAndOneWarningNamingNoToken() {
        ConsoleClient client = from("198.51.100.21");
        List<HttpResponse<String>> failures;
        HttpResponse<String> throttled;
        List<ILoggingEvent> logged;
        try (RootLogLines lines = RootLogLines.capture()) {
            failures = List.of(client.signIn(WRONG, ""), client.signIn(WRONG + "-2", ""), client.signIn(WRONG + "-3", ""));
            throttled = client.signIn(DEMO_TOKEN, "");
            logged = signInLines(lines.events());
        }

        assertThat(failures).allSatisfy(failed -> assertThat(failed.statusCode()).isEqualTo(401));
        assertThat(throttled.statusCode()).as(throttled.body()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
                assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(throttled.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(throttled.body()).contains("id=\"sign-in-error\"", "Too many failed sign-ins from this address",
                "name=\"csrf\"");
        assertThat(throttled.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("vpsr_console="));
        assertThat(logged).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).contains("console sign-in from 198.51.100.21 refused",
                            "at most one line per address per 1h")
                    .doesNotContain("10.9.8.7");
        });
        assertThat(logged.getFirst().getFormattedMessage()).doesNotContain(WRONG, "7f3a9c", DEMO_TOKEN);
        // Another address is not held back by this one's failures.
        assertThat(from("198.51.100.22").signIn(DEMO_TOKEN, "").statusCode()).isEqualTo(303);
    }

    /**
     * Two instances on one database, behind one balancer: an address's failures count at both (ADR 0041, amended in
     * session 51). Each counted its own, so N instances allowed N times the failures.
     */
    @Test
    void anAddressesFailuresAtTwoInstancesShareOneAllowance() {
        String address = "198.51.100.41";
        try (RunningPlatform other = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(),
                SETUP.properties())) {
            ConsoleClient atOther = new ConsoleClient(URI.create(other.server.getURL().toString()),
                    Map.of("X-Forwarded-For", address));
            List<Integer> failures = List.of(from(address).signIn(WRONG, "").statusCode(),
                    atOther.signIn(WRONG, "").statusCode(), from(address).signIn(WRONG, "").statusCode());

            assertThat(failures).containsOnly(401);
            assertThat(atOther.signIn(WRONG, "").statusCode()).as("the fourth failure, the other instance's second")
                    .isEqualTo(429);
        }
    }

    /**
     * Right tokens from addresses that never failed write no shared row (ADR 0041, amended in session 52): each attempt
     * took its share in PostgreSQL before the check, so every address that tried to sign in (a scan with right tokens,
     * a big company's morning) left a row. Only a failure writes one.
     */
    @Test
    void rightTokensFromAddressesThatNeverFailedWriteNoSharedRow() throws SQLException {
        for (int i = 1; i <= 5; i++) {
            assertThat(from("198.51.100.5" + i).signIn(DEMO_TOKEN, "").statusCode()).as("sign-in " + i).isEqualTo(303);
        }
        assertThat(sharedRows("198.51.100.5%")).as("rows of addresses that only signed in").isZero();

        assertThat(from("198.51.100.51").signIn(WRONG, "").statusCode()).isEqualTo(401);
        assertThat(sharedRows("198.51.100.5%")).as("the failure's row").isEqualTo(1);
        assertThat(from("198.51.100.51").signIn(DEMO_TOKEN, "").statusCode()).isEqualTo(303);
        assertThat(sharedRows("198.51.100.5%")).isEqualTo(1);
    }

    private static int sharedRows(String addresses) throws SQLException {
        try (Connection connection = SETUP.database().dataSource().getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM team_rate_bucket WHERE id LIKE ?")) {
            count.setString(1, "console:sign-in-failures:address:" + addresses);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /**
     * The client is the rightmost X-Forwarded-For entry that is no trusted proxy (loopback by default), and the headers
     * are believed only from a trusted peer (ADR 0041, amended in session 52). The last entry counted whoever appended
     * it, and any peer was believed.
     */
    @Test
    void theClientIsTheRightmostForwardedEntryThatIsNoTrustedProxy() {
        ConsoleClient behindTwo = new ConsoleClient(URI.create(SETUP.platform().server.getURL().toString()),
                Map.of("X-Forwarded-For", "10.9.8.7, 198.51.100.61, 127.0.0.1"));
        List<Integer> failures = List.of(behindTwo.signIn(WRONG, "").statusCode(), behindTwo.signIn(WRONG, "").statusCode(),
                behindTwo.signIn(WRONG, "").statusCode());

        assertThat(failures).containsOnly(401);
        assertThat(from("198.51.100.61").signIn(DEMO_TOKEN, "").statusCode()).as("the same client, one balancer")
                .isEqualTo(429);
    }

    @Test
    void forwardedHeadersFromAPeerNotInTrustedProxiesAreNotBelieved() {
        Map<String, Object> elsewhere = new java.util.LinkedHashMap<>(SETUP.properties());
        elsewhere.put("vpsr.console.sign-in.trusted-proxies", "192.0.2.0/24, 2001:db8::/32");
        try (RunningPlatform other = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), elsewhere)) {
            URI direct = URI.create(other.server.getURL().toString());
            List<Integer> failures = List.of("198.51.100.71", "198.51.100.72", "198.51.100.73").stream()
                    .map(claimed -> new ConsoleClient(direct, Map.of("X-Forwarded-For", claimed)).signIn(WRONG, "")
                            .statusCode()).toList();

            assertThat(failures).containsOnly(401);
            assertThat(new ConsoleClient(direct, Map.of("X-Forwarded-For", "198.51.100.74")).signIn(DEMO_TOKEN, "")
                    .statusCode()).as("each counted against the loopback peer, whatever it claimed").isEqualTo(429);
        }
    }

    @Test
    void successfulSignInsTakeNothingFromTheAddressesFailures() {
        // A fresh browser each time: one signed in is sent from the sign-in form to its dashboard.
        String address = "198.51.100.31";
        for (int i = 0; i < 5; i++) {
            assertThat(from(address).signIn(DEMO_TOKEN, "").statusCode()).as("sign-in " + i).isEqualTo(303);
        }

        List<Integer> failures = List.of(from(address).signIn(WRONG, "").statusCode(),
                from(address).signIn(WRONG, "").statusCode(), from(address).signIn(WRONG, "").statusCode());

        assertThat(failures).containsOnly(401);
        assertThat(from(address).signIn(WRONG, "").statusCode()).isEqualTo(429);
    }
}

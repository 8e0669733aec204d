package org.vpsrecovery.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VPS.org's 429 in its three forms, and an account's budget of calls a minute (session 51). */
class SimulatorRateLimitTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());

    @AfterEach
    void stop() {
        simulator.close();
        http.close();
    }

    private HttpResponse<String> list() throws Exception {
        return SimulatorRequest.send(http, simulator, "GET", "/api/v1/snapshots/", null, VpsOrgSimulator.DEMO_TOKEN);
    }

    @Test
    void aRateLimitFaultSaysItsWaitInSecondsAsAnHttpDateOrNotAtAll() throws Exception {
        simulator.faults().add(Fault.rateLimited(Duration.ofSeconds(7)).times(1));
        HttpResponse<String> seconds = list();
        assertThat(seconds.statusCode()).isEqualTo(429);
        assertThat(seconds.headers().firstValue("Retry-After")).hasValue("7");

        simulator.faults().add(Fault.rateLimitedUntilDate(Duration.ofSeconds(30)).times(1));
        HttpResponse<String> date = list();
        assertThat(date.statusCode()).isEqualTo(429);
        assertThat(ZonedDateTime.parse(date.headers().firstValue("Retry-After").orElseThrow(),
                DateTimeFormatter.RFC_1123_DATE_TIME)).isAfter(ZonedDateTime.now().plusSeconds(20));

        simulator.faults().add(Fault.rateLimitedWithoutRetryAfter().times(1));
        HttpResponse<String> none = list();
        assertThat(none.statusCode()).isEqualTo(429);
        assertThat(none.headers().firstValue("Retry-After")).isEmpty();

        assertThat(list().statusCode()).isEqualTo(200);
    }

    @Test
    void anAccountPastItsCallsAMinuteIsAnswered429WithTheWaitLeft() throws Exception {
        simulator.rateLimit(2);

        assertThat(list().statusCode()).isEqualTo(200);
        assertThat(list().statusCode()).isEqualTo(200);
        HttpResponse<String> third = list();

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        simulator.rateLimit(0);
        assertThat(list().statusCode()).isEqualTo(200);
    }

    @Test
    void theRateLimitOptionIsOffByDefaultAndTakesCallsAMinute() {
        assertThat(SimulatorMain.rateLimit()).isZero();
        assertThat(SimulatorMain.rateLimit("--port", "0", "--rate-limit", "600/min")).isEqualTo(600);
        assertThat(SimulatorMain.options("--rate-limit", "600/min")).isNotNull();
        assertThatThrownBy(() -> SimulatorMain.options("--rate-limit", "600")).isInstanceOf(IllegalArgumentException.class);
    }
}

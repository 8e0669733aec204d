package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.failure.AtMostEvery;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * In a VPS.org outage every request is refused without a call sent: one WARN a minute per reason and why-not-sent, the
 * next counting those held back, while a 5xx VPS.org answered keeps its own line with its request id (ADR 0006,
 * amended in session 53).
 */
class NotSentRefusalLinesTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(NotSentRefusalLinesTest.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AtomicLong nanos = new AtomicLong();
    private final AtMostEvery<FacadeProblems.NotSentRefusal> notSentLines =
            new AtMostEvery<>(Duration.ofMinutes(1), 64, nanos::get);

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void refusalsNotSentAreSaidOnceAMinuteAndTheNextLineCountsThoseHeldBack() {
        ProviderFailure refused = ProviderFailure.neverSent(ProviderFailure.NotSent.NO_CONNECTION,
                "connection refused: vpsorg.example:443", Optional.empty(), null);
        for (int i = 0; i < 50; i++) {
            log("req-" + i, HttpStatus.SERVICE_UNAVAILABLE, refused);
        }
        assertThat(lines()).singleElement().satisfies(event -> {
            assertThat(event.getMDCPropertyMap()).containsEntry("request_id", "req-0");
            assertThat(event.getFormattedMessage()).contains("503", "PROVIDER_UNAVAILABLE", "connection refused")
                    .doesNotContain("more refused");
        });

        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        log("req-50", HttpStatus.SERVICE_UNAVAILABLE, refused);

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1).getFormattedMessage()).endsWith("(and 49 more refused the same way since)");
        assertThat(lines().get(1).getMDCPropertyMap()).containsEntry("request_id", "req-50");
    }

    @Test
    void anotherWhyNotSentHasItsOwnLine() {
        log("req-1", HttpStatus.SERVICE_UNAVAILABLE, ProviderFailure.neverSent(ProviderFailure.NotSent.NO_CONNECTION,
                "connection refused", Optional.empty(), null));
        log("req-2", HttpStatus.SERVICE_UNAVAILABLE, ProviderFailure.neverSent(ProviderFailure.NotSent.CIRCUIT_OPEN,
                "circuit open", Optional.of(Duration.ofSeconds(30)), null));

        assertThat(lines()).hasSize(2);
    }

    /** Own-merge review of session 53: an earlier try was sent, so it may have been done: a line each. */
    @Test
    void aRefusalWhoseEarlierTryWasSentKeepsALineEach() {
        ProviderFailure mayHaveBeenDone = ProviderFailure.neverSent(ProviderFailure.NotSent.CIRCUIT_OPEN,
                "circuit open", Optional.of(Duration.ofSeconds(30)), null).afterAnEarlierTryWasSent();
        for (int i = 0; i < 3; i++) {
            log("req-" + i, HttpStatus.SERVICE_UNAVAILABLE, mayHaveBeenDone);
        }

        assertThat(lines()).hasSize(3);
    }

    @Test
    void aFailureVpsOrgAnsweredKeepsALineEachWithItsRequestId() {
        ProviderFailure answered = new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered HTTP 500",
                OptionalInt.of(500), Optional.empty(), null);
        for (int i = 0; i < 5; i++) {
            log("req-" + i, HttpStatus.BAD_GATEWAY, answered);
        }

        assertThat(lines()).hasSize(5);
        assertThat(lines()).extracting(event -> event.getMDCPropertyMap().get("request_id"))
                .containsExactly("req-0", "req-1", "req-2", "req-3", "req-4");
    }

    /**
     * Session 56: once VPS.org was back, the refusals held back after the last line were said by no line; now a reason
     * and why-not-sent quiet for its minute says its count, and the stop says every count held back.
     */
    @Test
    void theCountHeldBackAfterTheLastLineIsSaidWhenQuietForAMinuteAndAtTheStop() {
        ProviderFailure refused = ProviderFailure.neverSent(ProviderFailure.NotSent.NO_CONNECTION,
                "connection refused", Optional.empty(), null);
        ProviderFailure circuitOpen = ProviderFailure.neverSent(ProviderFailure.NotSent.CIRCUIT_OPEN,
                "circuit open", Optional.of(Duration.ofSeconds(30)), null);
        for (int i = 0; i < 4; i++) {
            log("req-" + i, HttpStatus.SERVICE_UNAVAILABLE, refused);
        }
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        log("req-c0", HttpStatus.SERVICE_UNAVAILABLE, circuitOpen);
        log("req-c1", HttpStatus.SERVICE_UNAVAILABLE, circuitOpen);
        nanos.addAndGet(Duration.ofSeconds(40).toNanos());

        FacadeProblems.sayQuietNotSentLines(logger, notSentLines);

        assertThat(lines()).hasSize(3);
        assertThat(lines().get(2).getFormattedMessage()).contains("3 more request(s) answered PROVIDER_UNAVAILABLE",
                "NO_CONNECTION", "none since for 1 min");

        FacadeProblems.sayNotSentLinesAtStop(logger, notSentLines);
        FacadeProblems.sayNotSentLinesAtStop(logger, notSentLines);

        assertThat(lines()).hasSize(4);
        assertThat(lines().get(3).getFormattedMessage()).contains("1 more request(s) answered", "CIRCUIT_OPEN",
                "as this instance stops");
    }

    private void log(String requestId, HttpStatus status, ProviderFailure failure) {
        HttpRequest<?> request = HttpRequest.GET("/api/v1/servers/")
                .setAttribute(RequestAttributes.REQUEST_ID, new RequestId(requestId));
        FacadeProblems.logIfOurs(logger, request, status, failure, notSentLines);
    }

    private List<ILoggingEvent> lines() {
        return appender.list;
    }
}

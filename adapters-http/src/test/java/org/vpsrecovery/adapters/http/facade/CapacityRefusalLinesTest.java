package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.failure.AtMostEvery;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.report.AuditReadsBusy;

/**
 * A 503 for this instance's own capacity (audit read slots taken, no pooled connection in time) is no fault: one WARN a
 * minute per reason code, each held back at DEBUG with its request id, the count said when quiet and at the stop (ADR
 * 0006, amended in session 56). An overload review's 40 s of exports wrote 75,157 lines, one per refusal.
 */
class CapacityRefusalLinesTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(CapacityRefusalLinesTest.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AtomicLong nanos = new AtomicLong();
    private final AtMostEvery<FacadeProblems.NotSentRefusal> notSentLines =
            new AtMostEvery<>(Duration.ofMinutes(1), 64, nanos::get);
    private final AtMostEvery<FacadeProblems.CapacityRefusal> capacityLines = new AtMostEvery<>(Duration.ofMinutes(1), 16, nanos::get);
    private Level levelBefore;

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    @Test
    void manyRefusalsForCapacityAreOneWarnAndTheCountLine() {
        AuditReadsBusy busy = new AuditReadsBusy(4, Duration.ofSeconds(5));
        for (int i = 0; i < 100; i++) {
            log("req-" + i, busy);
        }

        assertThat(warnings()).singleElement().satisfies(event -> {
            assertThat(event.getMDCPropertyMap()).containsEntry("request_id", "req-0");
            assertThat(event.getFormattedMessage()).contains("503", "AUDIT_READS_BUSY");
        });
        assertThat(appender.list).filteredOn(event -> event.getLevel() == Level.DEBUG)
                .extracting(event -> event.getMDCPropertyMap().get("request_id")).hasSize(99).contains("req-1", "req-99");

        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        FacadeProblems.sayQuietCapacityLines(logger, capacityLines);

        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(1).getFormattedMessage()).contains("99 more request(s) refused AUDIT_READS_BUSY",
                "none since for 1 min");
    }

    @Test
    void eachReasonHasItsOwnLineAndTheStopSaysWhatIsHeld() {
        RecoveryException noConnection = new PlatformUnavailable("no database connection within 5 s",
                Duration.ofSeconds(2), null);
        for (int i = 0; i < 3; i++) {
            log("pool-" + i, noConnection);
            log("busy-" + i, new AuditReadsBusy(4, Duration.ofSeconds(5)));
        }
        assertThat(warnings()).hasSize(2);

        FacadeProblems.sayCapacityLinesAtStop(logger, capacityLines);
        FacadeProblems.sayCapacityLinesAtStop(logger, capacityLines);

        assertThat(warnings()).hasSize(4);
        assertThat(warnings().subList(2, 4)).extracting(ILoggingEvent::getFormattedMessage)
                .allSatisfy(line -> assertThat(line).contains("2 more request(s) refused", "as this instance stops"))
                .anySatisfy(line -> assertThat(line).contains("PLATFORM_UNAVAILABLE"))
                .anySatisfy(line -> assertThat(line).contains("AUDIT_READS_BUSY"));
    }

    @Test
    void aRefusedChangeIsAlwaysItsOwnWarn() {
        // Its intent could not be written to the audit: the request id is in no audit, so it must be in the log.
        RecoveryException notAudited = new PlatformUnavailable("the audit history cannot record the change now",
                Duration.ofSeconds(2), null);
        for (int i = 0; i < 3; i++) {
            log(HttpRequest.POST("/api/v1/servers/7/snapshots/", ""), "change-" + i, notAudited);
        }

        assertThat(warnings()).extracting(event -> event.getMDCPropertyMap().get("request_id"))
                .containsExactly("change-0", "change-1", "change-2");
    }

    @Test
    void anOutageIsNotFoldedWithPoolTimeouts() {
        RecoveryException poolTimeout = new PlatformUnavailable("no database connection within 5 s",
                Duration.ofSeconds(2), new java.sql.SQLTransientConnectionException("request timed out"));
        RecoveryException refused = new PlatformUnavailable("the platform's database cannot read now",
                Duration.ofSeconds(2), new java.sql.SQLTransientConnectionException("not available",
                        new java.net.ConnectException("Connection refused")));
        log("pool-0", poolTimeout);
        log("pool-1", poolTimeout);
        log("outage-0", refused);

        assertThat(warnings()).extracting(event -> event.getMDCPropertyMap().get("request_id"))
                .containsExactly("pool-0", "outage-0");
    }

    @Test
    void aServerLockLostIsNoCapacity() {
        RecoveryException lost = PlatformUnavailable.serverLockLost("lost the server's lock", Duration.ofSeconds(2));
        log("lost-0", lost);
        log("lost-1", lost);

        assertThat(warnings()).hasSize(2);
    }

    private void log(String requestId, RecoveryException failure) {
        log(HttpRequest.GET("/api/v1/audit/events/"), requestId, failure);
    }

    private void log(io.micronaut.http.MutableHttpRequest<?> bare, String requestId, RecoveryException failure) {
        HttpRequest<?> request = bare.setAttribute(RequestAttributes.REQUEST_ID, new RequestId(requestId));
        FacadeProblems.logIfOurs(logger, request, HttpStatus.SERVICE_UNAVAILABLE, failure, notSentLines, capacityLines);
    }

    private List<ILoggingEvent> warnings() {
        return appender.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
    }
}

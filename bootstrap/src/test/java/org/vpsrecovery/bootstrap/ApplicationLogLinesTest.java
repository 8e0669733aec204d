package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The application module logs through {@link System.Logger} (it sees the JDK only); on the service's class path those
 * lines are logback's, like every other line: its level, its request id, its pattern. Before session 47 nothing
 * routed them, and the JDK's own logger wrote them to standard error, "SEVERE:" on two lines, no request id.
 */
class ApplicationLogLinesTest {

    private static final String AUDIT_WRITER = "org.vpsrecovery.application.attempt.AuditWriter";

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level auditWriterLevel;

    @BeforeEach
    void captureRoot() {
        appender.start();
        root.addAppender(appender);
        auditWriterLevel = ((Logger) LoggerFactory.getLogger(AUDIT_WRITER)).getLevel();
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        ((Logger) LoggerFactory.getLogger(AUDIT_WRITER)).setLevel(auditWriterLevel);
        MDC.remove("request_id");
    }

    @Test
    void anApplicationErrorIsOneLogbackErrorWithItsTextFormatted() {
        System.getLogger(AUDIT_WRITER).log(System.Logger.Level.ERROR, "an audit event the history could not take "
                + "cannot be kept either ({0}); it waits in this instance''s memory only", "disk full");

        assertThat(events()).extracting(ILoggingEvent::getLevel, ILoggingEvent::getLoggerName,
                        ILoggingEvent::getFormattedMessage)
                .containsExactly(tuple(Level.ERROR, AUDIT_WRITER, "an audit event the history could not take cannot "
                        + "be kept either (disk full); it waits in this instance's memory only"));
    }

    @Test
    void theJdkLevelsAreLogbacksLevels() {
        ((Logger) LoggerFactory.getLogger(AUDIT_WRITER)).setLevel(Level.TRACE);
        System.Logger log = System.getLogger(AUDIT_WRITER);
        log.log(System.Logger.Level.ERROR, "e");
        log.log(System.Logger.Level.WARNING, "w");
        log.log(System.Logger.Level.INFO, "i");
        log.log(System.Logger.Level.DEBUG, "d");
        log.log(System.Logger.Level.TRACE, "t");

        assertThat(events()).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.ERROR, "e"), tuple(Level.WARN, "w"), tuple(Level.INFO, "i"), tuple(Level.DEBUG, "d"),
                tuple(Level.TRACE, "t"));
    }

    @Test
    void aLineLoggedOnARequestsThreadCarriesItsRequestId() {
        MDC.put("request_id", "r-47");
        System.getLogger(AUDIT_WRITER).log(System.Logger.Level.WARNING, "{0} audit event(s) still wait", 3);

        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.getMDCPropertyMap()).containsEntry("request_id", "r-47");
            assertThat(event.getFormattedMessage()).isEqualTo("3 audit event(s) still wait");
        });
    }

    @Test
    void anExceptionGivenAsTheCauseIsTheEventsThrowable() {
        IllegalStateException cause = new IllegalStateException("the history refused");
        System.getLogger(AUDIT_WRITER).log(System.Logger.Level.WARNING, "the round stopped", cause);

        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).isEqualTo("the round stopped");
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("the history refused");
        });
    }

    @Test
    void aParameterHoldingSlf4jBracesIsLoggedAsItIs() {
        // A provider's or PostgreSQL's error text may quote JSON; logback must not fill its "{}" a second time.
        System.getLogger(AUDIT_WRITER).log(System.Logger.Level.WARNING,
                "approved operation {0} ({1}) could not be run now: {2}", "op-1", "create", "VPS.org said {} was bad");

        assertThat(events()).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "approved operation op-1 (create) could not be run now: VPS.org said {} was bad");
    }

    @Test
    void aLineWithoutParametersIsNotAPattern() {
        // As the JDK's own loggers do: with no parameters the text is the line, apostrophes and braces included.
        System.getLogger(AUDIT_WRITER).log(System.Logger.Level.WARNING, "the provider's answer {0} was {}");

        assertThat(events()).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "the provider's answer {0} was {}");
    }

    private List<ILoggingEvent> events() {
        synchronized (appender) { // logback appends under the appender's lock
            return List.copyOf(appender.list);
        }
    }
}

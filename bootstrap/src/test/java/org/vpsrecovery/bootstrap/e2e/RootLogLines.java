package org.vpsrecovery.bootstrap.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every event logged through Logback's root logger from {@link #capture()} until {@link #close()} (a
 * try-with-resources block); what was captured stays readable after the close.
 */
final class RootLogLines implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private RootLogLines() {
        appender.start();
        root.addAppender(appender);
    }

    static RootLogLines capture() {
        return new RootLogLines();
    }

    /** The events captured so far. */
    List<ILoggingEvent> events() {
        synchronized (appender) { // Logback appends under the appender's lock
            return List.copyOf(appender.list);
        }
    }

    /** The events captured so far, then forgotten: the next read starts after them. */
    List<ILoggingEvent> takeEvents() {
        synchronized (appender) { // Logback appends under the appender's lock
            List<ILoggingEvent> taken = List.copyOf(appender.list);
            appender.list.clear();
            return taken;
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}

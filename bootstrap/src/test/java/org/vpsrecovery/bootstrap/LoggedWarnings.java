package org.vpsrecovery.bootstrap;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The WARN lines a class logs while an action runs (a ListAppender on its logger for the time of the action). */
final class LoggedWarnings {

    private LoggedWarnings() {
    }

    static List<String> of(Class<?> source, Runnable action) {
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(source);
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        synchronized (appender) { // Logback appends under the appender's lock
            return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }
}

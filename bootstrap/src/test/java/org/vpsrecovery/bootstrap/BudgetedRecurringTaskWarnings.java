package org.vpsrecovery.bootstrap;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The WARN lines {@link BudgetedRecurringTask} logs while an action runs. */
final class BudgetedRecurringTaskWarnings {

    private BudgetedRecurringTaskWarnings() {
    }

    static List<String> during(Runnable action) {
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(BudgetedRecurringTask.class);
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

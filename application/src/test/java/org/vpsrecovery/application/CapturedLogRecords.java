package org.vpsrecovery.application;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one class's {@link System.Logger} writes while open. On the application module's test class path no
 * {@link System.LoggerFinder} is installed, so the JDK's default one hands its lines to java.util.logging, where a
 * handler sees each record whole: its level, its text and the throwable it carries.
 */
public final class CapturedLogRecords implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLogRecords(Class<?> of) {
        logger = Logger.getLogger(of.getName());
        logger.addHandler(capture);
    }

    public static CapturedLogRecords of(Class<?> logging) {
        return new CapturedLogRecords(logging);
    }

    /** The records at {@code level} (java.util.logging's: ERROR is SEVERE, WARNING is WARNING), in order. */
    public List<LogRecord> at(Level level) {
        return records.stream().filter(record -> record.getLevel() == level).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(capture);
    }
}

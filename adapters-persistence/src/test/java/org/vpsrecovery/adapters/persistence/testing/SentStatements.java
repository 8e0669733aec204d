package org.vpsrecovery.adapters.persistence.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The statements a piece of work sends PostgreSQL from this thread, counted from pgjdbc's own protocol log of the real
 * connections: one {@code Execute} message per statement ({@code COMMIT} and {@code ROLLBACK} included; the
 * {@code BEGIN} pgjdbc sends with a transaction's first statement is not counted).
 */
public final class SentStatements {

    private static final Logger PROTOCOL = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

    private SentStatements() {
    }

    /** What {@code work} returned and how many statements it sent. */
    public record Counted<T>(T result, int statements) {
    }

    public static <T> Counted<T> of(Supplier<T> work) {
        Thread worker = Thread.currentThread();
        List<String> executes = Collections.synchronizedList(new ArrayList<>());
        Handler counter = new Handler() {
            /** The pool's check of a connection it lends (JDBC's isValid: an empty statement) is not the work's. */
            private boolean emptyStatementParsed;

            @Override
            public void publish(LogRecord record) {
                if (Thread.currentThread() != worker || record.getMessage() == null) {
                    return;
                }
                if (record.getMessage().contains("FE=> Parse")) {
                    // pgjdbc writes the statement into the message: Parse(stmt=…,query="…",oids={…}).
                    emptyStatementParsed = record.getMessage().contains(",query=\"\",");
                } else if (record.getMessage().contains("FE=> Execute")) {
                    if (!emptyStatementParsed) {
                        executes.add(record.getMessage());
                    }
                    emptyStatementParsed = false;
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = PROTOCOL.getLevel();
        PROTOCOL.setLevel(Level.FINEST);
        counter.setLevel(Level.FINEST);
        PROTOCOL.addHandler(counter);
        try {
            T result = work.get();
            return new Counted<>(result, executes.size());
        } finally {
            PROTOCOL.removeHandler(counter);
            PROTOCOL.setLevel(before);
        }
    }
}

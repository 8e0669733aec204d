package org.vpsrecovery.bootstrap;

import org.vpsrecovery.application.failure.FailureLine;

/**
 * A failure said in one line without its trace: its class and message, and for a database failure the fixed words of
 * {@link Application#databaseFailure} instead of the driver's (PgJDBC's, Hikari's messages may hold the URL or its host
 * part). A message naming a JDBC URL is not printed at all (ADR 0024, session 53). The wording of the loops' outage
 * lines ({@link LoopFailureLines}, by the shared rule of {@link org.vpsrecovery.application.failure.OutageLines}).
 */
final class FailureWords {

    private FailureWords() {
    }

    /** {@link #of} as a failure's line. */
    static FailureLine line(Throwable failure) {
        return new FailureLine(of(failure));
    }

    static String of(Throwable failure) {
        String message = failure.getMessage();
        // The driver's own messages may name the host (ADR 0021): its SQLState's meaning below says what it was.
        String said = message == null || message.isBlank() || failure instanceof java.sql.SQLException ? ""
                : message.contains("jdbc:") ? ": (its message is not printed: it holds a URL)" : ": " + message.strip();
        String database = Application.databaseFailure(failure).map(words -> " (the database: " + words + ")").orElse("");
        return failure.getClass().getName() + said.lines().findFirst().orElse("") + database;
    }
}

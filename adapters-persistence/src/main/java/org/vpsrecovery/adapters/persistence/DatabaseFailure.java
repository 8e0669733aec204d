package org.vpsrecovery.adapters.persistence;

import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * The database could not do what was asked (constraint refused, a statement that does not run, ...). Unchecked, as
 * the ports declare no checked exceptions; the message names the operation, never a credential. A database busy or
 * out of reach is not this but the domain's {@code PlatformUnavailable} ({@link #of}, {@link DatabaseOutOfReach}).
 */
public final class DatabaseFailure extends RuntimeException {

    public DatabaseFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A repository's failure, named by what was being done: {@code PlatformUnavailable} when the database is busy or
     * out of reach; a row that does not read as an event, or a failure typed already, stays as it is.
     */
    static RuntimeException of(String what, RuntimeException e) {
        if (e instanceof DatabaseFailure || e instanceof IllegalArgumentException || e instanceof RecoveryException) {
            return e;
        }
        return of(what, (Exception) e);
    }

    /** As {@link #of(String, RuntimeException)}, for JDBC's own failures. */
    static RuntimeException of(String what, Exception e) {
        if (DatabaseOutOfReach.outOfReach(e)) {
            return DatabaseOutOfReach.unavailable(what, e);
        }
        return new DatabaseFailure("could not " + what + ": " + e.getMessage(), e);
    }
}

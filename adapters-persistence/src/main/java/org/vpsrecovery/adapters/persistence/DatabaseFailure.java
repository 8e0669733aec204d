package org.vpsrecovery.adapters.persistence;

/**
 * The database could not do what was asked (unreachable, constraint refused, ...). Unchecked, as
 * the ports declare no checked exceptions; the message names the operation, never a credential.
 */
public final class DatabaseFailure extends RuntimeException {

    public DatabaseFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** A repository's failure, named by what was being done; a row that does not read as an event stays as it is. */
    static RuntimeException of(String what, RuntimeException e) {
        if (e instanceof DatabaseFailure || e instanceof IllegalArgumentException) {
            return e;
        }
        return new DatabaseFailure("could not " + what + ": " + e.getMessage(), e);
    }
}

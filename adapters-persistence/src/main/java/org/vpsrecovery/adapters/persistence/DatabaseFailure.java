package org.vpsrecovery.adapters.persistence;

/**
 * The database could not do what was asked (unreachable, constraint refused, ...). Unchecked, as
 * the ports declare no checked exceptions; the message names the operation, never a credential.
 */
public final class DatabaseFailure extends RuntimeException {

    public DatabaseFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

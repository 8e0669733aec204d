package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.body.stream.BaseSharedBuffer;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.regex.Pattern;

/**
 * A request whose client went away before it was read: no failure of ours, answered 400 (which nobody reads) and
 * logged at DEBUG, by the API's last handler and by the console's (ADR 0006, amended in session 43).
 */
public final class ClientGone {

    /** Micronaut's rule (RouteExecutor.isIgnorable, not public): an I/O failure naming the connection's end. */
    private static final Pattern CONNECTION_ENDED = Pattern.compile(
            "^.*(?:connection (?:reset|closed|abort|broken)|broken pipe).*$", Pattern.CASE_INSENSITIVE);

    private ClientGone() {
    }

    /**
     * The failure itself, as Micronaut tests it, not its causes: a lost connection to the database or to VPS.org
     * arrives wrapped, and is ours to answer 500 and log. Compare with Micronaut's rule when upgrading it.
     */
    public static boolean is(Throwable failure) {
        if (failure instanceof ClosedChannelException || failure instanceof BaseSharedBuffer.IncorrectContentLengthException) {
            return true;
        }
        String message = failure.getMessage();
        return failure instanceof IOException && message != null && CONNECTION_ENDED.matcher(message).matches();
    }
}

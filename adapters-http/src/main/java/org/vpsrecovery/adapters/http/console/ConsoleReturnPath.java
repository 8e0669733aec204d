package org.vpsrecovery.adapters.http.console;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where signing in goes back to (ADR 0041, amended in session 52): a page of this console, given as a path and query,
 * or nowhere. Anything else would make the sign-in page an open redirect, so a path that a browser could read as
 * another host ({@code //host}, {@code /\host}, a scheme, their percent-encoded forms) or that climbs out of
 * {@code /console/} ({@code ..}) is refused, whole.
 */
final class ConsoleReturnPath {

    /** The path: /console/ then plain segments, none empty; "." and ".." are refused apart. */
    private static final Pattern PATH = Pattern.compile("/console/(?:[A-Za-z0-9._~-]+/)*[A-Za-z0-9._~-]*");
    /**
     * The query: characters a URI's query may hold as sent, whole percent-escapes only (a broken one made URI.create
     * throw: a 500 after signing in); no space, backslash or control.
     */
    private static final Pattern QUERY = Pattern.compile("(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*");
    /** Encoded again inside the sign-in page's own address, a longer one could pass the server's 4096-byte line. */
    private static final int MAX_LENGTH = 1000;

    private ConsoleReturnPath() {
    }

    static Optional<String> safe(String given) {
        if (given == null || given.isEmpty() || given.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int question = given.indexOf('?');
        String path = question < 0 ? given : given.substring(0, question);
        String query = question < 0 ? "" : given.substring(question + 1);
        // No percent-escape in the path: an encoded slash, backslash or dot cannot slip through it.
        if (!PATH.matcher(path).matches() || !QUERY.matcher(query).matches()) {
            return Optional.empty();
        }
        // A download is no page to come back to: signing in must not start one (nor record an export in one's name).
        if (path.contains(".csv/") || path.endsWith(".csv")) {
            return Optional.empty();
        }
        for (String segment : path.substring(1).split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        return Optional.of(given);
    }
}

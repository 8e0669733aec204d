package org.vpsrecovery.cli;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * vpsr sends the bearer token on every request: over plain http to another machine anyone on the way reads it. Such a
 * URL is refused (exit 2) unless the operator says it is meant, with {@code --allow-plain-http} or
 * {@code VPSR_ALLOW_PLAIN_HTTP=1}; http to this machine's loopback ({@code localhost}, {@code 127.x.y.z},
 * {@code [::1]}: the embedded service) never leaves it and is allowed (ADR 0039, amended in session 50). The host is
 * read, never looked up.
 */
final class PlainHttp {

    static final String FLAG = "--allow-plain-http";
    static final String VARIABLE = "VPSR_ALLOW_PLAIN_HTTP";
    private static final Set<String> YES = Set.of("1", "true", "yes");
    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    /** A plain http URL to a host that is not loopback, refused before anything is sent. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private PlainHttp() {
    }

    /** Refuses {@code connection}'s URL if it is plain http to another machine and neither the flag nor the variable allow it. */
    static void check(Connection connection, boolean flag, Map<String, String> environment) {
        URI url = connection.url();
        if (!url.getScheme().equalsIgnoreCase("http") || loopback(url.getHost()) || flag || allowedBy(environment)) {
            return;
        }
        throw new Refused("refusing plain http to " + url.getHost() + " (the URL from " + connection.urlSource()
                + "): the token would cross the network readable by anyone on the way. Use https://, or, on a network "
                + "you trust, pass " + FLAG + " (or set " + VARIABLE + "=1)");
    }

    private static boolean allowedBy(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        return value != null && YES.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    static boolean loopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
                || name.equals("[0:0:0:0:0:0:0:1]") || (LOOPBACK_IPV4.matcher(name).matches()
                && java.util.Arrays.stream(name.split("\\.")).allMatch(part -> Integer.parseInt(part) <= 255));
    }
}

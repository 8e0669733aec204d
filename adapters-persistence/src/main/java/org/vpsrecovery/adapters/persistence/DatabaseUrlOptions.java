package org.vpsrecovery.adapters.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.postgresql.Driver;

/**
 * The {@code options} argument of a pgjdbc URL ({@code ?options=-c%20search_path%3Dvpsr}), read and taken out so that
 * it joins the session bounds instead of replacing them (ADR 0023, amended in session 40): pgjdbc lets a URL's argument
 * replace the connection property of the same name whole, and {@code options} is one string.
 */
public final class DatabaseUrlOptions {

    private static final String OPTIONS = PooledSessionBounds.OPTIONS;

    private DatabaseUrlOptions() {
    }

    /** The URL's options decoded as pgjdbc decodes them (its last {@code options} argument), or null if it has none. */
    static String of(String url) {
        Properties parsed = url == null ? null : Driver.parseURL(url, null);
        return parsed == null ? null : parsed.getProperty(OPTIONS);
    }

    /** The URL without its {@code options} arguments, every other one as written and in its place. */
    static String without(String url) {
        return without(url, Set.of(OPTIONS));
    }

    /**
     * The URL without its arguments named {@code names}, every other one as written and in its place: for bootstrap's
     * health check, whose own bounds a URL's {@code socketTimeout} would replace (ADR 0038, amended in session 54).
     */
    public static String without(String url, Set<String> names) {
        int query = url == null ? -1 : url.indexOf('?');
        if (query < 0) {
            return url;
        }
        List<String> kept = new ArrayList<>();
        for (String argument : url.substring(query + 1).split("&")) {
            int equals = argument.indexOf('=');
            String name = equals < 0 ? argument : argument.substring(0, equals);
            if (!argument.isEmpty() && !names.contains(name)) {
                kept.add(argument);
            }
        }
        return kept.isEmpty() ? url.substring(0, query) : url.substring(0, query + 1) + String.join("&", kept);
    }

    /** Both, the later after the earlier so that it wins where both name a setting; either may be null or blank. */
    static String joined(String earlier, String later) {
        boolean noEarlier = earlier == null || earlier.isBlank();
        boolean noLater = later == null || later.isBlank();
        if (noEarlier) {
            return noLater ? null : later.strip();
        }
        return noLater ? earlier.strip() : earlier.strip() + " " + later.strip();
    }
}

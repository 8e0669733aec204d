package org.vpsrecovery.domain.common;

import java.util.regex.Pattern;

/** The one naming rule of teams and auditors: 1 to 63 lower-case letters, digits or inner hyphens. */
final class Slug {

    static final String RULE = "1-63 lower-case letters, digits or inner hyphens";
    private static final Pattern PATTERN = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private Slug() {
    }

    static boolean matches(String value) {
        return PATTERN.matcher(value).matches();
    }
}

package org.vpsrecovery.adapters.http.facade;

/**
 * A name the caller chose (a query parameter's, a JSON body's key) as a problem's detail says it back: letters, digits,
 * {@code _ . -} kept, any other character {@code ?} (no markup, quote or control character is echoed), and at most
 * {@link #LONGEST_TOLD} characters, then "…". The one cleaner of such names: the query check and the duplicate-key
 * filter each had their own (ADR 0006, amended in session 54).
 */
final class CallerNames {

    static final int LONGEST_TOLD = 64;

    private CallerNames() {
    }

    static String told(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9_.-]", "?");
        return clean.length() <= LONGEST_TOLD ? clean : clean.substring(0, LONGEST_TOLD) + "…";
    }
}

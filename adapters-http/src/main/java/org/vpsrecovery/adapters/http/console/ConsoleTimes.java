package org.vpsrecovery.adapters.http.console;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times a person types into the console's From and To, as the pages show them (ADR 0041, amended in session 52): a
 * UTC date ({@code 2026-12-01}, its start) or a UTC date and minute ({@code 2026-12-07 10:53}, with or without the
 * pages' " UTC"). The reports take ISO instants only; these are turned into one. Anything else is left for the reports
 * to accept (an ISO instant) or refuse.
 */
final class ConsoleTimes {

    private static final Pattern SHOWN = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})(?:[ T](\\d{2}:\\d{2}))?(?: ?UTC)?");

    private ConsoleTimes() {
    }

    /** The ISO instant ({@code 2026-12-07T10:53:00Z}) of a time typed as the pages show it; empty for any other text. */
    static Optional<String> asInstant(String typed) {
        Matcher shown = SHOWN.matcher(typed.strip());
        if (!shown.matches()) {
            return Optional.empty();
        }
        try {
            LocalDate day = LocalDate.parse(shown.group(1));
            LocalTime time = shown.group(2) == null ? LocalTime.MIDNIGHT : LocalTime.parse(shown.group(2));
            return Optional.of(LocalDateTime.of(day, time).toInstant(ZoneOffset.UTC).toString());
        } catch (DateTimeParseException notADay) {
            return Optional.empty();
        }
    }
}

package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where signing in may go back to: a console page, never another site (session 52; no open redirect). */
class ConsoleReturnPathTest {

    @Test
    void aConsolePageWithItsQueryIsKept() {
        for (String page : List.of("/console/operations", "/console/audit/events?operation=create_snapshot&outcome=accepted",
                "/console/audit/events?from=2026-12-01T00%3A00%3A00Z&actor=a%2Fb", "/console/audit/summary?bucket=month")) {
            assertThat(ConsoleReturnPath.safe(page)).as(page).hasValue(page);
        }
    }

    @Test
    void anythingThatCouldLeaveTheConsoleIsRefused() {
        for (String next : List.of("//evil.example/console/", "/\\evil.example", "\\\\evil.example",
                "https://evil.example/console/", "javascript:alert(1)", "/console/..%2f..%2fapi/v1/", "/console/../api/v1/",
                "/console/./x", "%2F%2Fevil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "/console/%2F%2Fevil",
                "/console/%5Cevil", "/console//evil.example", "/console/\r\nSet-Cookie:x=y", " /console/", "/consolex/",
                "/api/v1/snapshots/", "/console/x?a=\\b", "/console/x?a b", "", "/console/" + "a".repeat(2100),
                // Own-merge review: a broken escape made URI.create throw (a 500 after signing in), a long one passed
                // the server's line once encoded again, and an export started a download at sign-in.
                "/console/x?a=%zz", "/console/x?a=%", "/console/x?a=%4", "/console/" + "a".repeat(1001),
                "/console/audit/events.csv?outcome=completed", "/console/audit/events.csv/")) {
            assertThat(ConsoleReturnPath.safe(next)).as(next).isEmpty();
        }
        assertThat(ConsoleReturnPath.safe(null)).isEmpty();
    }

    @Test
    void theTimesThePagesShowAreReadAsUtcInstants() {
        assertThat(ConsoleTimes.asInstant("2026-12-01")).hasValue("2026-12-01T00:00:00Z");
        assertThat(ConsoleTimes.asInstant("2026-12-07 10:53 UTC")).hasValue("2026-12-07T10:53:00Z");
        assertThat(ConsoleTimes.asInstant("2026-12-07 10:53")).hasValue("2026-12-07T10:53:00Z");
        assertThat(ConsoleTimes.asInstant("2026-12-07T10:53:00Z")).as("an instant is the reports' own").isEmpty();
        assertThat(ConsoleTimes.asInstant("2026-02-30")).as("no such day: left for the report to refuse").isEmpty();
        assertThat(ConsoleTimes.asInstant("yesterday")).isEmpty();
    }
}

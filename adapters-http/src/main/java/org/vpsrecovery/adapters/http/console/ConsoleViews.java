package org.vpsrecovery.adapters.http.console;

import java.util.List;

/**
 * What the console's templates show: text already formatted, so the templates hold markup only and
 * nothing in them can reach a use case. JTE escapes every value it writes into HTML.
 */
public final class ConsoleViews {

    private ConsoleViews() {
    }

    /** One link of the navigation; {@code current} marks the page shown (aria-current). */
    public record NavLink(String href, String label, boolean current) {
    }

    /** What every signed-in page carries: its title, who is signed in, the session's CSRF token. */
    public record Chrome(String title, String signedInAs, String role, String csrf, List<NavLink> nav) {
    }

    public record SignIn(String csrf, String error, String team) {
    }

    /** A server's state: {@code ok}, {@code stale} (older than the objective) or {@code none}. */
    public record ServerRow(String server, String team, String state, String label, String newest, String newestAt,
                            String age, String objective) {
    }

    public record ExpiringRow(String server, String team, String backup, String expiresAt, String within) {
    }

    public record Dashboard(String generatedAt, List<ServerRow> servers, List<ExpiringRow> expiring,
                            long none, long stale, long ok, String expiringWithin) {
    }

    /** A filter's choices for a select; {@code value} "" is "any". */
    public record Option(String value, String label, boolean selected) {
    }

    public record EventRow(long sequence, String occurredAt, String team, String operation, String server,
                           String outcome, String reason, String actor, String requestId) {
    }

    public record Timeline(String team, String serverId, List<Option> operations, List<Option> outcomes,
                           String reasonCode, String from, String to, String requestId, String actor, String limit,
                           List<EventRow> events, String nextHref, String firstHref, String csvHref, boolean paged) {
    }

    public record Verification(boolean intact, String label, List<String> facts) {
    }

    /**
     * {@code awaitingApproval}: for one waiting for a second person, "waiting for approval until ..., asked by ...",
     * shown instead of a tracking window it has not begun; empty otherwise.
     */
    public record OperationRow(String id, String kind, String server, String team, String state, String acceptedAt,
                               String updatedAt, String deadline, int checks, String note, int elapsedPercent,
                               String elapsedLabel, String awaitingApproval) {
    }

    /** {@code more}: older operations are in flight too, beyond the rows shown. */
    public record Operations(List<OperationRow> operations, boolean more) {
    }

    /** A bar of a chart, in the SVG's user units; {@code kind} picks its colour class. */
    public record Bar(double x, double y, double width, double height, String kind, String label) {
    }

    public record AxisLabel(double x, double y, String text) {
    }

    public record Chart(String id, String title, String description, int width, int height, List<Bar> bars,
                        List<AxisLabel> labels, List<Option> legend) {
    }

    public record SummaryRow(String bucket, String team, String operation, String outcome, long events) {
    }

    public record Summary(String team, String from, String to, String bucket, Chart perBucket, Chart reasons,
                          List<SummaryRow> rows, String providerFailureRate, long providerCalls) {
    }

    public record Problem(int status, String title, String detail, boolean signedIn) {
    }
}

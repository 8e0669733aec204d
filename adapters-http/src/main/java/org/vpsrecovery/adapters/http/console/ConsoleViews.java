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

    /**
     * {@code tokenInvalid}: the error is about the token given (the field is marked invalid); {@code notice}: why the
     * page is shown (a session ended); {@code next}: the console page to go back to once signed in, or "".
     */
    public record SignIn(String csrf, String error, boolean tokenInvalid, String notice, String team, String next) {

        /** The token field's description: the error first when there is one. */
        public String tokenDescribedBy() {
            return error.isEmpty() ? "token-hint" : "sign-in-error token-hint";
        }
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

    /**
     * A filter value refused (ADR 0041, amended in session 52): the page is shown again with the message, and the field
     * it is about ({@code field}, a query parameter's name; "" when none of the form's) is marked invalid and described
     * by it. {@link #NONE}: nothing refused.
     */
    public record FieldError(String field, String message) {

        public static final FieldError NONE = new FieldError("", "");

        public boolean any() {
            return !message.isEmpty();
        }

        /** {@code aria-invalid}'s value for the field: "true", or null for none (the attribute is then left out). */
        public String invalid(String name) {
            return any() && field.equals(name) ? "true" : null;
        }

        /** {@code aria-describedby}'s value for the field: the message's id, or null for none. */
        public String describedBy(String name) {
            return any() && field.equals(name) ? "filter-error" : null;
        }
    }

    public record Timeline(String team, String serverId, List<Option> operations, List<Option> outcomes,
                           String reasonCode, String from, String to, String requestId, String actor, String limit,
                           List<EventRow> events, String nextHref, String firstHref, String csvHref, boolean paged,
                           FieldError error) {
    }

    public record Verification(boolean intact, String label, List<String> facts) {
    }

    /**
     * {@code awaitingApproval}: for one waiting for a second person, "waiting for approval until ..., asked by ...",
     * shown instead of a tracking window it has not begun; empty otherwise. {@code requestId} and {@code apiPath}: what
     * to quote to an operator or to follow it on the API with (session 52).
     */
    public record OperationRow(String id, String kind, String server, String team, String state, String acceptedAt,
                               String updatedAt, String deadline, int checks, String note, int elapsedPercent,
                               String elapsedLabel, String awaitingApproval, String requestId, String apiPath) {
    }

    /**
     * {@code more}: older operations are in flight too, beyond the rows shown. {@code pendingChangesPath}: where the API
     * lists a team's hold releases and policy changes waiting for a second person, which are no operation at VPS.org
     * and so never in flight here (ADR 0041, session 53).
     */
    public record Operations(List<OperationRow> operations, boolean more, String pendingChangesPath) {
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

    /** The summary's form as given: From and To as typed, the bucket chosen, what was refused in them. */
    public record SummaryForm(String from, String to, List<Option> buckets, FieldError error) {
    }

    /** The summary shown; for a refused form ({@code form.error()}) the form alone, every other field empty or null. */
    public record Summary(String team, String from, String to, String bucket, Chart perBucket, Chart reasons,
                          List<SummaryRow> rows, String providerFailureRate, long providerCalls, SummaryForm form) {
    }

    public record Problem(int status, String title, String detail, boolean signedIn) {
    }
}

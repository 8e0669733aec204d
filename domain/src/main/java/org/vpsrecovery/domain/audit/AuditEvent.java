package org.vpsrecovery.domain.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * One audited step: who (team), what (operation, server, resource), when (UTC), which request, and
 * the outcome. The detail is a small map of platform-written facts; it never holds a secret (no
 * field here takes a token, and detail values come from domain data only).
 */
public record AuditEvent(Instant occurredAt, TeamId team, RequestId requestId, Operation operation,
                         Optional<ServerId> server, Optional<ResourceRef> resource, Outcome outcome,
                         OptionalInt providerStatus, Map<String, String> detail) {

    /**
     * Detail key of the platform's own id for one accepted attempt, shared by its intent and every
     * outcome event. Reconciliation matches on it, never on the caller-chosen request id.
     */
    public static final String ATTEMPT_ID = "attempt_id";
    /** Detail key of the name a create asked for (reconciliation looks for it at VPS.org). */
    public static final String NAME = "name";
    /** Detail key of the description a create asked for. */
    public static final String DESCRIPTION = "description";
    /** Detail key of the platform's words on what happened (a provider's message, a finding). */
    public static final String MESSAGE = "message";

    /** Detail key, on a {@link Operation#RELEASE_RESTORE_HOLD} event, of the restore whose hold it ends. */
    public static final String RESTORE_OPERATION_ID = "restore_operation_id";
    /**
     * Detail key, on a delete's events, of the phase VPS.org showed for the recovery point when the
     * delete's policy looked (under the server's lock, just before the delete): the only sight of
     * how a point deleted through the platform ended, so its create's outcome is taken from it.
     */
    public static final String RECOVERY_POINT_STATUS = "recovery_point_status";
    /** Detail keys of a hold's events (ADR 0029): which hold, its kind, its reason, who acted. */
    public static final String HOLD_ID = "hold_id";
    public static final String HOLD_KIND = "hold_kind";
    public static final String HOLD_REASON = "hold_reason";
    public static final String ACTOR = "actor";
    /** Detail keys of a {@link Outcome.Planned} event (ADR 0029): whether the plan allowed it, and which policy refused it. */
    public static final String PLAN_ALLOWED = "plan_allowed";
    public static final String PLAN_REFUSED_BY = "plan_refused_by";
    /** Detail key set on a dry run's refused lookup (not found), so it is not read as a real attempt's. */
    public static final String DRY_RUN = "dry_run";
    /**
     * Detail keys of a restore's events (ADR 0029): its safety snapshot ({@code pending}, {@code completed},
     * {@code failed}, or {@code skipped} when the caller asked to skip it) and that snapshot's operation.
     */
    public static final String SAFETY_SNAPSHOT = "safety_snapshot";
    public static final String SAFETY_SNAPSHOT_OPERATION_ID = "safety_snapshot_operation_id";
    /** Detail keys of a scheduled run's events (ADR 0028): the policy that made it, its version, the point rotated away. */
    public static final String POLICY_ID = "policy_id";
    public static final String POLICY_VERSION = "policy_version";
    public static final String SCHEDULED_FOR = "scheduled_for";
    public static final String ROTATED = "rotated";
    /** Detail keys of a drift's events (ADR 0035): its kind, what the scan saw, how it went away. */
    public static final String DRIFT_KIND = "drift_kind";
    public static final String DRIFT_SEEN = "drift_seen";
    public static final String DRIFT_RESOLUTION = "drift_resolution";
    /** Two-person approval (ADR 0040): the operation an approval event is about (not an attempt of its own). */
    public static final String APPROVAL_OF = "approval_of";
    public static final String APPROVAL_EXPIRES_AT = "approval_expires_at";
    public static final String APPROVAL_REASON = "approval_reason";
    /**
     * On every step of an operation's approval (ADR 0040, amended session 51): the kind of operation asked for
     * ({@code delete_snapshot}, {@code restore_snapshot}, ...), so a denied or expired request says what it was.
     */
    public static final String APPROVAL_KIND = "approval_kind";
    /** On every step of a restore's approval: whether it was asked without its safety snapshot ({@code true}/{@code false}). */
    public static final String SKIP_SAFETY_SNAPSHOT = "skip_safety_snapshot";
    /** On every step of a pending change's approval (ADR 0043): what it changes ({@code release_recovery_point_hold}, ...). */
    public static final String CHANGE_KIND = "change_kind";
    /** The subject of the person who asked for an approved operation, on the run's events. */
    public static final String REQUESTED_BY = "requested_by";
    /** Room for the facts and the {@link Actor}'s three keys (ADR 0034). */
    public static final int MAX_DETAIL_ENTRIES = 20;
    /**
     * In code points (characters as PostgreSQL and {@code Description} count them), not Java chars: the caller's words
     * (a description of up to 255 code points, 510 chars as emoji) go into the history whole, never cut or refused.
     */
    public static final int MAX_DETAIL_VALUE_LENGTH = 500;

    /** A free text (a message, a provider's words) cut to what a detail value may hold, never inside a code point. */
    public static String detailValue(String text) {
        return fitsDetailValue(text) ? text : text.substring(0, text.offsetByCodePoints(0, MAX_DETAIL_VALUE_LENGTH));
    }

    /** Whether {@code text} is at most {@link #MAX_DETAIL_VALUE_LENGTH} code points. */
    public static boolean fitsDetailValue(String text) {
        return text.length() <= MAX_DETAIL_VALUE_LENGTH
                || text.codePointCount(0, text.length()) <= MAX_DETAIL_VALUE_LENGTH;
    }
    private static final Pattern DETAIL_KEY = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    public AuditEvent {
        Objects.requireNonNull(occurredAt, "occurred at");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(server, "server (may be empty, not null)");
        Objects.requireNonNull(resource, "resource (may be empty, not null)");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(providerStatus, "provider status (may be empty, not null)");
        Objects.requireNonNull(detail, "detail (may be empty, not null)");
        if (providerStatus.isPresent() && (providerStatus.getAsInt() < 100 || providerStatus.getAsInt() > 599)) {
            throw new IllegalArgumentException("provider status must be an HTTP status code");
        }
        if (detail.size() > MAX_DETAIL_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_DETAIL_ENTRIES + " detail entries");
        }
        detail.forEach((key, value) -> {
            if (!DETAIL_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("detail keys are snake_case, 1-40 characters: " + key);
            }
            if (value == null || !fitsDetailValue(value)) {
                throw new IllegalArgumentException("detail value of " + key + " must be 0-"
                        + MAX_DETAIL_VALUE_LENGTH + " characters");
            }
        });
        detail = Map.copyOf(detail);
    }

    public Optional<String> attemptId() {
        return Optional.ofNullable(detail.get(ATTEMPT_ID));
    }

    /**
     * Whether this event is about the same attempt as {@code intent}: the same attempt id; or, for
     * events written before attempt ids existed, the same request id and operation.
     */
    public boolean sameAttemptAs(AuditEvent intent) {
        if (intent.attemptId().isPresent()) {
            return intent.attemptId().equals(attemptId());
        }
        return attemptId().isEmpty() && requestId.equals(intent.requestId()) && operation == intent.operation();
    }
}

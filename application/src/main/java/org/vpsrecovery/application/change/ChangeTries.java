package org.vpsrecovery.application.change;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.change.PendingChange;

/**
 * The tries of one approved pending change among the events the history holds under its team, request and kind, told
 * from others' by the history's order, never by instances' clocks (ADR 0043, amended in session 49).
 * <p>
 * A change's first try is always under the change's own id (the approver's apply, or the job's while none of its tries is
 * on record), and the job tries under an id of its own only once one of its tries has ended. So a try under another id
 * follows the change's first intent in the history, and names its requester ({@code requested_by}, which every approved
 * apply writes and a direct change never does). An intent naming the requester before that first intent is an earlier
 * change's of the same person under the same request id. What is left: another change of the same team, kind and
 * requester, approved and tried under the same request id after this one's first try, still counts (the safe side: it
 * keeps this one approved, and its tries left to the settle job).
 * <p>
 * The read is one page ({@link AuditQuery#MAX_LIMIT}, newest first). A full page without the change's first intent may
 * have left it out: then every intent naming the requester counts, the cautious answer.
 */
final class ChangeTries {

    private final PendingChange change;
    private final List<RecordedAuditEvent> newestFirst;
    private final OptionalLong firstOwnIntent;
    private final boolean cautious;

    private ChangeTries(PendingChange change, List<RecordedAuditEvent> newestFirst) {
        this.change = Objects.requireNonNull(change, "change");
        this.newestFirst = List.copyOf(newestFirst);
        String own = change.id().toString();
        this.firstOwnIntent = this.newestFirst.stream()
                .filter(recorded -> isIntent(recorded.event()) && recorded.event().attemptId().filter(own::equals).isPresent())
                .mapToLong(RecordedAuditEvent::sequence).min();
        this.cautious = firstOwnIntent.isEmpty() && this.newestFirst.size() >= AuditQuery.MAX_LIMIT;
    }

    /**
     * {@code newestFirst}: the history's events of the change's team, request and kind, newest first, one page. Events of
     * another team, request or kind are left out here too.
     */
    static ChangeTries of(PendingChange change, List<RecordedAuditEvent> newestFirst) {
        return new ChangeTries(change, newestFirst.stream().filter(recorded -> change.team().equals(recorded.event().team())
                && change.requestId().equals(recorded.event().requestId())
                && change.kind() == recorded.event().operation()).toList());
    }

    /**
     * Whether the page read may have left out some of the change's tries: it is full and its first own-id intent is
     * not in it. Then nothing on it proves no try is in force, nor which attempt is the latest (own-merge review, s49).
     */
    boolean mayMissTries() {
        return cautious;
    }

    /** Whether {@code intent} is one of the change's tries: an intent of its team, request and kind, and its own. */
    boolean isATry(RecordedAuditEvent intent) {
        AuditEvent event = intent.event();
        if (!change.team().equals(event.team()) || !change.requestId().equals(event.requestId())
                || change.kind() != event.operation() || !isIntent(event)) {
            return false;
        }
        if (event.attemptId().filter(change.id().toString()::equals).isPresent()) {
            return true;
        }
        return change.approval().requester().subject().equals(event.detail().get(AuditEvent.REQUESTED_BY))
                && (cautious || firstOwnIntent.stream().anyMatch(first -> intent.sequence() > first));
    }

    /** The change's tries on record, by attempt id: each attempt's events, newest first; the latest attempt first. */
    Map<String, List<AuditEvent>> attempts() {
        Map<String, List<AuditEvent>> byAttempt = new LinkedHashMap<>();
        newestFirst.stream().filter(this::isATry).forEach(intent -> byAttempt.putIfAbsent(
                intent.event().attemptId().orElseThrow(), new ArrayList<>()));
        newestFirst.forEach(recorded -> recorded.event().attemptId().map(byAttempt::get)
                .ifPresent(events -> events.add(recorded.event())));
        return byAttempt;
    }

    /** The change's latest try on record (its intent the newest), and whether its attempt has a final outcome. */
    Optional<Latest> latest() {
        return attempts().entrySet().stream().findFirst().map(attempt -> new Latest(attempt.getKey(),
                attempt.getValue().stream().anyMatch(event -> event.outcome().kind().settlesAttempt())));
    }

    /** A try's attempt id, and whether it has ended. */
    record Latest(String attemptId, boolean ended) {
        Latest {
            Objects.requireNonNull(attemptId, "attempt id");
        }
    }

    private static boolean isIntent(AuditEvent event) {
        return event.outcome().kind() == Outcome.Kind.ACCEPTED && event.attemptId().isPresent();
    }
}

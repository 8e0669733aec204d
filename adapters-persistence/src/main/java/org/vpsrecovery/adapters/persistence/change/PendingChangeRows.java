package org.vpsrecovery.adapters.persistence.change;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import org.vpsrecovery.adapters.persistence.approval.ApprovalStepMarks;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.adapters.persistence.policy.PolicyRows;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalDecision;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.server.ServerId;

/** The pending changes in PostgreSQL, through a Micronaut Data repository; the one place rows and domain meet. */
public final class PendingChangeRows implements PendingChanges {

    private final PendingChangeRowRepository rows;

    public PendingChangeRows(PendingChangeRowRepository rows) {
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    /** The ask's mark is in the change's own row, written by the same statement: both land, or neither. */
    @Override
    public void add(PendingChange change, ApprovalStep asked) {
        if (change.version() != 0) {
            throw new IllegalArgumentException("a new change starts at version 0");
        }
        PendingChangeRow row = toRow(change, new String[] {ApprovalStepMarks.mark(asked)});
        DatabaseOutOfReach.write("store the change", () -> rows.save(row));
    }

    @Override
    public Optional<PendingChange> find(OperationId id) {
        // GET /changes/{id}/, and an approval's look-up of which kind it decides: a 503, not a 500 (session 40).
        return DatabaseOutOfReach.read("read the change", () -> rows.findById(id.value())).map(PendingChangeRows::toDomain);
    }

    @Override
    public boolean update(PendingChange from, PendingChange next) {
        return write(from, next, null);
    }

    @Override
    public boolean update(PendingChange from, PendingChange next, ApprovalStep step) {
        return write(from, next, ApprovalStepMarks.mark(step));
    }

    private boolean write(PendingChange from, PendingChange next, String eventOwed) {
        if (!from.id().equals(next.id())) {
            throw new IllegalArgumentException("an update moves one change");
        }
        PendingChangeRow r = toRow(next, null);
        return DatabaseOutOfReach.write("move the change", () -> rows.updateOverVersion(r.id(), r.state(), r.updatedAt(),
                r.nextCheckAt(), r.note(), r.version(), r.verdict(), r.deciderSubject(), r.deciderAuthentication(),
                r.deciderKeyId(), r.decidedAt(), r.decisionReason(), eventOwed, from.version())) == 1;
    }

    @Override
    public List<OwedChangeEvents> owingApprovalEvents(int limit) {
        PendingChanges.requirePage(limit);
        return DatabaseOutOfReach.read("read the changes owing approval events", () -> rows.owingEvents(limit)).stream()
                .map(row -> new OwedChangeEvents(toDomain(row), ApprovalStepMarks.steps(row.approvalEventsOwed()))).toList();
    }

    @Override
    public List<ApprovalStep> owedApprovalSteps(OperationId id) {
        return DatabaseOutOfReach.read("read the change's owed approval events", () -> rows.findById(id.value()))
                .map(row -> row.approvalEventsOwed() == null ? List.<ApprovalStep>of()
                        : ApprovalStepMarks.steps(row.approvalEventsOwed())).orElse(List.of());
    }

    @Override
    public void approvalEventWritten(OperationId id, ApprovalStep step) {
        String mark = ApprovalStepMarks.mark(step);
        DatabaseOutOfReach.write("mark the change's approval event written", () -> rows.eventWritten(id.value(), mark));
    }

    @Override
    public List<PendingChange> dueIn(OperationState state, Instant dueBy, int limit) {
        PendingChanges.requirePage(limit);
        if (state != OperationState.PENDING_APPROVAL && state != OperationState.APPROVED) {
            // The statement reads pending_change_open's two states only, so that its generic plan can use the index.
            throw new IllegalArgumentException("changes are due in pending_approval or approved only, not " + state);
        }
        return DatabaseOutOfReach.read("read the changes due", () -> rows.dueIn(state.wireName(), dueBy, limit)).stream()
                .map(PendingChangeRows::toDomain).toList();
    }

    @Override
    public List<PendingChange> newestFirst(TeamId team, Optional<OperationState> state, Optional<Operation> kind,
                                           Optional<PendingChange> after, int limit) {
        PendingChanges.requirePage(limit);
        after.ifPresent(last -> {
            if (!last.team().equals(team)) {
                throw new IllegalArgumentException("a page of " + team.value() + "'s changes goes on after one of its own");
            }
        });
        String t = team.value();
        String[] kinds = kind.map(Set::of).orElse(PendingChange.KINDS).stream().map(Operation::name).sorted()
                .toArray(String[]::new);
        List<PendingChangeRow> page = DatabaseOutOfReach.read("read the team's changes", () -> {
            if (state.isEmpty()) {
                return after.isEmpty() ? rows.newestFirst(t, kinds, limit) : rows.newestFirstAfter(t, kinds,
                        after.get().approval().requestedAt(), after.get().id().value(), limit);
            }
            String s = state.get().wireName();
            return after.isEmpty() ? rows.newestFirstInState(t, s, kinds, limit) : rows.newestFirstInStateAfter(t, s, kinds,
                    after.get().approval().requestedAt(), after.get().id().value(), limit);
        });
        return page.stream().map(PendingChangeRows::toDomain).toList();
    }

    static PendingChangeRow toRow(PendingChange c, String[] eventsOwed) {
        Approval approval = c.approval();
        Actor requester = approval.requester();
        Optional<ApprovalDecision> decision = approval.decision();
        Optional<Actor> decider = decision.map(ApprovalDecision::by);
        // The document in recovery_policy's columns, mapped by the policies' own row mapping.
        var document = c.document().map(spec -> PolicyRows.specColumns(spec));
        return new PendingChangeRow(c.id().value(), c.team().value(), c.requestId().value(), c.kind().name(),
                c.state().wireName(), c.hold().map(HoldId::value).orElse(null),
                c.point().map(p -> p.type().name()).orElse(null), c.point().map(ResourceRef::id).orElse(null),
                c.server().map(ServerId::value).orElse(null), c.policy().map(PolicyId::value).orElse(null),
                c.policyVersion().isPresent() ? c.policyVersion().getAsLong() : null,
                document.map(d -> d.allServers()).orElse(null), document.map(d -> d.serverIds()).orElse(null),
                document.map(d -> d.kind()).orElse(null), document.map(d -> d.cron()).orElse(null),
                document.map(d -> d.timeZone()).orElse(null), document.map(d -> d.nameTemplate()).orElse(null),
                document.map(d -> d.keepLast()).orElse(null), document.map(d -> d.keepWithinSeconds()).orElse(null),
                document.map(d -> d.keepDaily()).orElse(null), document.map(d -> d.keepWeekly()).orElse(null),
                document.map(d -> d.keepMonthly()).orElse(null), document.map(d -> d.keepYearly()).orElse(null),
                document.map(d -> d.includePersonMade()).orElse(null), c.updatedAt(), c.nextCheckAt(),
                c.note().orElse(null), c.version(), requester.subject(), requester.authentication().wireName(),
                requester.keyId().orElse(null), approval.requestedAt(), approval.expiresAt(),
                decision.map(d -> d.verdict().wireName()).orElse(null), decider.map(Actor::subject).orElse(null),
                decider.map(a -> a.authentication().wireName()).orElse(null), decider.flatMap(Actor::keyId).orElse(null),
                decision.map(ApprovalDecision::at).orElse(null), decision.flatMap(ApprovalDecision::reason).orElse(null),
                eventsOwed);
    }

    static PendingChange toDomain(PendingChangeRow r) {
        Optional<ApprovalDecision> decision = Optional.ofNullable(r.verdict()).map(verdict -> new ApprovalDecision(
                Verdict.fromWire(verdict).orElseThrow(), actor(r.deciderSubject(), r.deciderAuthentication(),
                r.deciderKeyId()), r.decidedAt(), Optional.ofNullable(r.decisionReason())));
        Approval approval = new Approval(actor(r.requesterSubject(), r.requesterAuthentication(), r.requesterKeyId()),
                r.requestedAt(), r.expiresAt(), false, decision);
        Optional<PolicySpec> document = Optional.ofNullable(r.policyKind()).map(kind -> PolicyRows.spec(
                new PolicyRows.SpecColumns(r.allServers(), r.serverIds(), kind, r.cron(), r.timeZone(), r.nameTemplate(),
                        r.keepLast(), r.keepWithinSeconds(), r.keepDaily(), r.keepWeekly(), r.keepMonthly(),
                        r.keepYearly(), r.includePersonMade())));
        return new PendingChange(new OperationId(r.id()), new TeamId(r.team()), new RequestId(r.requestId()),
                Operation.valueOf(r.kind()), Optional.ofNullable(r.holdId()).map(HoldId::new),
                Optional.ofNullable(r.resourceType()).map(type -> new ResourceRef(ResourceRef.Type.valueOf(type), r.resourceId())),
                Optional.ofNullable(r.serverId()).map(ServerId::new), Optional.ofNullable(r.policyId()).map(PolicyId::new),
                r.policyVersion() == null ? OptionalLong.empty() : OptionalLong.of(r.policyVersion()), document,
                state(r.state()), r.updatedAt(), r.nextCheckAt(), Optional.ofNullable(r.note()), r.version(), approval);
    }

    private static OperationState state(String wire) {
        for (OperationState state : OperationState.values()) {
            if (state.wireName().equals(wire)) {
                return state;
            }
        }
        throw new IllegalStateException("unknown pending change state " + wire);
    }

    private static Actor actor(String subject, String authentication, String keyId) {
        return new Actor(subject, Actor.Authentication.fromWireName(authentication).orElseThrow(), Optional.ofNullable(keyId));
    }
}

package org.vpsrecovery.adapters.persistence.operation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.ArrayList;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.adapters.persistence.approval.ApprovalStepMarks;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalDecision;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.PauseHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/** The operations in PostgreSQL, through a Micronaut Data repository; the one place rows and domain meet. */
public final class OperationRows implements RecoveryOperations {

    private final OperationRowRepository rows;

    public OperationRows(OperationRowRepository rows) {
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    @Override
    public void add(RecoveryOperation operation) {
        if (operation.version() != 0) {
            throw new IllegalArgumentException("a new operation starts at version 0");
        }
        DatabaseOutOfReach.write("store the operation", () -> rows.save(toRow(operation)));
    }

    /**
     * The row's commit rides the intent's durable append that follows on the same database (ADR 0084). An operation
     * with an approval is never stored new on the request path: it takes the ordinary write.
     */
    @Override
    public void addUnflushed(RecoveryOperation operation) {
        if (operation.version() != 0) {
            throw new IllegalArgumentException("a new operation starts at version 0");
        }
        if (operation.approval().isPresent()) {
            add(operation);
            return;
        }
        OperationRow row = toRow(operation);
        DatabaseOutOfReach.write("store the operation", () -> rows.insertUnflushed(row.id(), row.team(), row.requestId(),
                row.kind(), row.serverId(), row.resourceType(), row.resourceId(), row.resourceServerId(), row.state(),
                row.acceptedAt(), row.updatedAt(), row.deadline(), row.note(), row.nextCheckAt(), row.checks()));
    }

    @Override
    public boolean update(RecoveryOperation from, RecoveryOperation next) {
        return write(from, next, null, false);
    }

    /** One flush fewer a move: the durable event before it makes it durable with the next flush anyway (ADR 0083). */
    @Override
    public boolean updateUnflushed(RecoveryOperation from, RecoveryOperation next) {
        return write(from, next, null, true);
    }

    /** The step's mark is in the operation's own row, written by the same statement: both land, or neither. */
    @Override
    public void add(RecoveryOperation operation, ApprovalStep step) {
        if (operation.version() != 0) {
            throw new IllegalArgumentException("a new operation starts at version 0");
        }
        OperationRow row = toRow(operation, new String[] {ApprovalStepMarks.mark(step)});
        DatabaseOutOfReach.write("store the operation", () -> rows.save(row));
    }

    @Override
    public boolean update(RecoveryOperation from, RecoveryOperation next, ApprovalStep step) {
        return write(from, next, ApprovalStepMarks.mark(step), false);
    }

    private boolean write(RecoveryOperation from, RecoveryOperation next, String eventOwed, boolean unflushed) {
        if (!from.id().equals(next.id())) {
            throw new IllegalArgumentException("an update moves one operation");
        }
        OperationRow row = toRow(next);
        return DatabaseOutOfReach.write("move the operation", () -> rows.updateOverVersion(row.id(), row.resourceType(),
                row.resourceId(), row.state(), row.updatedAt(), row.deadline(), row.note(), row.nextCheckAt(), row.checks(),
                row.version(), row.releasedBeforeVpsOrgWasAsked(), row.approvedRunAt(), row.pauseHold(), row.refusedOnRunReason(), row.approvalVerdict(), row.approvalDeciderSubject(), row.approvalDeciderAuthentication(),
                row.approvalDeciderKeyId(), row.approvalDecidedAt(), row.approvalReason(), eventOwed, from.version(),
                unflushed)) == 1;
    }

    @Override
    public List<OwedApprovalEvents> owingApprovalEvents(int limit) {
        RecoveryOperations.requirePage(limit);
        return DatabaseOutOfReach.read("read the operations owing approval events", () -> rows.owingEvents(limit))
                .stream().map(row -> new OwedApprovalEvents(toDomain(row),
                        ApprovalStepMarks.steps(row.approvalEventsOwed()))).toList();
    }

    @Override
    public List<ApprovalStep> owedApprovalSteps(OperationId id) {
        return DatabaseOutOfReach.read("read the operation's owed approval events", () -> rows.findById(id.value()))
                .map(row -> row.approvalEventsOwed() == null ? List.<ApprovalStep>of()
                        : ApprovalStepMarks.steps(row.approvalEventsOwed())).orElse(List.of());
    }

    @Override
    public void approvalEventWritten(OperationId id, ApprovalStep step) {
        String mark = ApprovalStepMarks.mark(step);
        DatabaseOutOfReach.write("mark the operation's approval event written",
                () -> rows.eventWritten(id.value(), mark));
    }

    @Override
    public Optional<RecoveryOperation> find(OperationId id) {
        // GET /operations/{id} and its long poll: a database out of reach is a 503 the caller retries (session 38).
        return DatabaseOutOfReach.read("read the operation", () -> rows.findById(id.value()))
                .map(OperationRows::toDomain);
    }

    /** One statement for all of them (the tracker's re-read of a hold's operations, ADR 0120). */
    @Override
    public Map<OperationId, RecoveryOperation> findAll(java.util.Collection<OperationId> ids) {
        RecoveryOperations.requirePage(Math.max(1, ids.size()));
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<OperationId, RecoveryOperation> found = new LinkedHashMap<>();
        String[] wanted = ids.stream().map(OperationId::toString).toArray(String[]::new);
        DatabaseOutOfReach.read("read the operations", () -> rows.findByIds(wanted)).stream()
                .map(OperationRows::toDomain).forEach(operation -> found.put(operation.id(), operation));
        return found;
    }

    /** One statement per filter, each over its V73 index in the list's order (OperationRowRepository). */
    @Override
    public List<RecoveryOperation> newestFirst(Optional<TeamId> team, Optional<ServerId> server,
                                               Optional<OperationState> state, Optional<RecoveryOperation> after,
                                               int limit) {
        RecoveryOperations.requirePage(limit);
        String t = team.map(TeamId::value).orElse(null);
        String s = state.map(OperationState::wireName).orElse(null);
        Instant at = after.map(RecoveryOperation::acceptedAt).orElse(null);
        UUID id = after.map(last -> last.id().value()).orElse(null);
        boolean first = after.isEmpty();
        List<OperationRow> page = DatabaseOutOfReach.read("list operations", () -> {
            if (server.isPresent()) {
                long v = server.get().value();
                if (s == null) {
                    return first ? rows.serverNewestFirst(v, t, limit) : rows.serverNewestFirstAfter(v, t, at, id, limit);
                }
                return first ? rows.serverInStateNewestFirst(v, s, t, limit)
                        : rows.serverInStateNewestFirstAfter(v, s, t, at, id, limit);
            }
            if (t != null) {
                if (s == null) {
                    return first ? rows.teamNewestFirst(t, limit) : rows.teamNewestFirstAfter(t, at, id, limit);
                }
                return first ? rows.teamInStateNewestFirst(t, s, limit)
                        : rows.teamInStateNewestFirstAfter(t, s, at, id, limit);
            }
            if (s == null) {
                return first ? rows.newestFirst(limit) : rows.newestFirstAfter(at, id, limit);
            }
            return first ? rows.inStateNewestFirst(s, limit) : rows.inStateNewestFirstAfter(s, at, id, limit);
        });
        return page.stream().map(OperationRows::toDomain).toList();
    }

    /** By the team and request id (recovery_operation_request, V61), not a scan of the team's newest. */
    @Override
    public List<RecoveryOperation> withRequest(TeamId team, RequestId request, int limit) {
        RecoveryOperations.requirePage(limit);
        return DatabaseOutOfReach.read("read the operations of a request",
                () -> rows.withRequestNewestFirst(team.value(), request.value(), limit))
                .stream().map(OperationRows::toDomain).toList();
    }

    /** One statement over the partial indexes of the states not final. */
    @Override
    public List<RecoveryOperation> listNotFinal(Optional<TeamId> team, int limit) {
        RecoveryOperations.requirePage(limit);
        return DatabaseOutOfReach.read("list operations in flight",
                () -> rows.listNotFinalNewestFirst(team.map(TeamId::value).orElse(null), limit))
                .stream().map(OperationRows::toDomain).toList();
    }

    @Override
    public List<RecoveryOperation> dueIn(OperationState state, Instant dueBy, int limit) {
        RecoveryOperations.requirePage(limit);
        // V53's partial due_in holds every state but these three (ADRs 0112, 0123); V6's open index the first two.
        List<OperationRow> due = DatabaseOutOfReach.read("read the operations due", () -> switch (state) {
            case ACCEPTED, IN_PROGRESS -> rows.dueInOpen(state.wireName(), dueBy, limit);
            case COMPLETED -> rows.dueIn(state.wireName(), dueBy, limit);
            default -> rows.dueInIndexed(state.wireName(), dueBy, limit);
        });
        return due.stream().map(OperationRows::toDomain).toList();
    }

    @Override
    public List<RecoveryOperation> dueInAfter(OperationState state, Instant dueBy, RecoveryOperation after, int limit) {
        RecoveryOperations.requirePage(limit);
        Instant afterNextCheck = after.nextCheckAt();
        UUID afterId = after.id().value();
        // The same indexes as dueIn's, by state.
        List<OperationRow> due = DatabaseOutOfReach.read("read the operations due", () -> switch (state) {
            case ACCEPTED, IN_PROGRESS -> rows.dueInOpenAfter(state.wireName(), dueBy, afterNextCheck, afterId, limit);
            case COMPLETED -> rows.dueInAfter(state.wireName(), dueBy, afterNextCheck, afterId, limit);
            default -> rows.dueInIndexedAfter(state.wireName(), dueBy, afterNextCheck, afterId, limit);
        });
        return due.stream().map(OperationRows::toDomain).toList();
    }

    @Override
    public Map<ServerId, List<RecoveryOperation>> openByServer(Instant dueBy, int limit) {
        RecoveryOperations.requirePage(limit);
        Map<ServerId, List<RecoveryOperation>> byServer = new LinkedHashMap<>();
        for (OperationRow row : DatabaseOutOfReach.read("read the open operations due", () -> rows.due(dueBy, limit))) {
            RecoveryOperation operation = toDomain(row);
            byServer.computeIfAbsent(operation.server(), s -> new ArrayList<>()).add(operation);
        }
        return byServer;
    }

    @Override
    public Open open() {
        return DatabaseOutOfReach.read("read the open operations", () -> {
            long count = rows.countOpen();
            Optional<Instant> oldest = rows.oldestOpen().map(OperationRow::acceptedAt);
            // Two reads: an operation may open or end between them, so each is taken at its word.
            return oldest.isEmpty() ? Open.NONE : new Open(Math.max(1, count), oldest);
        });
    }

    @Override
    public List<RecoveryOperation> liveRestores(Optional<ServerId> target, Optional<ResourceRef> source, Instant at) {
        // A delete's or restore's check under the lock, and GET /servers/{id}/: a 503, not a 500 (session 40).
        return DatabaseOutOfReach.read("read the restores under way", () -> rows.liveRestores(
                target.map(ServerId::value).orElse(null), source.map(r -> r.type().name()).orElse(null),
                source.map(ResourceRef::id).orElse(null), at))
                .stream().map(OperationRows::toDomain).toList();
    }

    @Override
    public List<RecoveryOperation> liveRestoresOfServerOrPoint(ServerId target, ResourceRef source, Instant at) {
        return DatabaseOutOfReach.read("read the restores under way",
                () -> rows.liveRestoresOfServerOrPoint(target.value(), source.type().name(), source.id(), at))
                .stream().map(OperationRows::toDomain).toList();
    }

    @Override
    public List<RecoveryOperation> about(java.util.Collection<ResourceRef> points) {
        List<RecoveryOperation> found = new ArrayList<>();
        for (ResourceRef.Type type : ResourceRef.Type.values()) {
            Long[] ids = points.stream().filter(p -> p.type() == type).map(ResourceRef::id).distinct().toArray(Long[]::new);
            if (ids.length > 0) {
                // Read under a point's lock by a hold's placement: an exhausted pool is a 503 and a REJECTED, not a 500.
                DatabaseOutOfReach.read("read the operations about a recovery point", () -> rows.about(type.name(), ids))
                        .stream().map(OperationRows::toDomain).forEach(found::add);
            }
        }
        found.sort(java.util.Comparator.comparing(RecoveryOperation::acceptedAt).thenComparing(o -> o.id().toString()));
        return found;
    }

    static OperationRow toRow(RecoveryOperation o) {
        return toRow(o, null);
    }

    private static OperationRow toRow(RecoveryOperation o, String[] eventsOwed) {
        Optional<Approval> approval = o.approval();
        Optional<Actor> requester = approval.map(Approval::requester);
        Optional<ApprovalDecision> decision = approval.flatMap(Approval::decision);
        Optional<Actor> decider = decision.map(ApprovalDecision::by);
        return new OperationRow(o.id().value(), o.team().value(), o.requestId().value(), o.kind().name(),
                o.server().value(), o.resource().map(r -> r.type().name()).orElse(null),
                o.resource().map(ResourceRef::id).orElse(null), o.resourceServer().map(ServerId::value).orElse(null),
                o.state().wireName(), stored(o.acceptedAt()), stored(o.updatedAt()),
                stored(o.deadline()), o.note().orElse(null), stored(o.nextCheckAt()), o.checks(), o.version(),
                requester.map(Actor::subject).orElse(null), requester.map(a -> a.authentication().wireName()).orElse(null),
                requester.flatMap(Actor::keyId).orElse(null), approval.map(Approval::requestedAt).map(OperationRows::stored).orElse(null),
                approval.map(Approval::expiresAt).map(OperationRows::stored).orElse(null), approval.map(Approval::skipSafetySnapshot).orElse(null),
                decision.map(d -> d.verdict().wireName()).orElse(null), decider.map(Actor::subject).orElse(null),
                decider.map(a -> a.authentication().wireName()).orElse(null), decider.flatMap(Actor::keyId).orElse(null),
                decision.map(ApprovalDecision::at).map(OperationRows::stored).orElse(null),
                decision.flatMap(ApprovalDecision::reason).orElse(null), eventsOwed, o.releasedBeforeVpsOrgWasAsked(),
                o.approvedRunAt().map(OperationRows::stored).orElse(null), o.pauseHold().wireName(), o.version(),
                o.refusedOnRunFor().map(ReasonCode::name).orElse(null), o.version());
    }

    /**
     * Cut to the microsecond here, as the audit history cuts its events' instants (AuditChain.storedInstant): the
     * driver would round the nanoseconds half up, and an approval step's event rebuilt from the row would then miss
     * the one written from the operation in memory, and be written a second time (ADR 0040, amended session 38).
     */
    private static Instant stored(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static Optional<Approval> approvalOf(OperationRow r) {
        if (r.approvalRequesterSubject() == null) {
            return Optional.empty();
        }
        Optional<ApprovalDecision> decision = Optional.ofNullable(r.approvalVerdict()).map(verdict -> new ApprovalDecision(
                Verdict.fromWire(verdict).orElseThrow(), actor(r.approvalDeciderSubject(), r.approvalDeciderAuthentication(),
                r.approvalDeciderKeyId()), r.approvalDecidedAt(), Optional.ofNullable(r.approvalReason())));
        return Optional.of(new Approval(actor(r.approvalRequesterSubject(), r.approvalRequesterAuthentication(),
                r.approvalRequesterKeyId()), r.approvalRequestedAt(), r.approvalExpiresAt(),
                Boolean.TRUE.equals(r.approvalSkipSafetySnapshot()), decision));
    }

    private static Actor actor(String subject, String authentication, String keyId) {
        return new Actor(subject, Actor.Authentication.fromWireName(authentication).orElseThrow(), Optional.ofNullable(keyId));
    }

    static RecoveryOperation toDomain(OperationRow r) {
        Optional<ResourceRef> resource = r.resourceType() == null ? Optional.empty()
                : Optional.of(new ResourceRef(ResourceRef.Type.valueOf(r.resourceType()), r.resourceId()));
        OperationState state = OperationState.valueOf(r.state().toUpperCase(Locale.ROOT));
        Optional<String> note = Optional.ofNullable(r.note());
        PauseHold pauseHold = pauseHoldOf(r, state, note);
        return new RecoveryOperation(new OperationId(r.id()), new TeamId(r.team()), new RequestId(r.requestId()),
                Operation.valueOf(r.kind()), new ServerId(r.serverId()), resource,
                Optional.ofNullable(r.resourceServerId()).map(ServerId::new), state, r.acceptedAt(), r.updatedAt(), r.deadline(),
                note, r.nextCheckAt(), r.checks(), r.version(), approvalOf(r),
                r.releasedBeforeVpsOrgWasAsked(), Optional.ofNullable(r.approvedRunAt()), pauseHold,
                refusedOnRunFor(r, state, pauseHold, note));
    }

    /**
     * The pause's hold as this release stored it, when it stored it at the row's version: a row the release before V75
     * wrote, or moved last (its moves leave both columns as they were, and its note words say what it meant), is read
     * from its note's start, that release's rule (ADR 0043, amended in session 55). A name of a later release too.
     */
    private static PauseHold pauseHoldOf(OperationRow r, OperationState state, Optional<String> note) {
        Optional<PauseHold> stored = r.pauseHoldVersion() != null && r.pauseHoldVersion() == r.version()
                ? Optional.ofNullable(r.pauseHold()).flatMap(PauseHold::fromWireName) : Optional.empty();
        return stored.orElseGet(() -> pauseHoldFromNoteOfThePreviousRelease(state, note));
    }

    /**
     * The hold of a row the release before session 55 wrote or moved last, which kept it only as the start of the note:
     * that release's rule, the words in their hold's state. Here, not in the domain: only rows that release wrote are read
     * so, and this mapping is their only reader (ADR 0043, amended in session 56).
     */
    static PauseHold pauseHoldFromNoteOfThePreviousRelease(OperationState state, Optional<String> note) {
        return Arrays.stream(PauseHold.values())
                .filter(hold -> hold != PauseHold.NONE && hold.state() == state
                        && note.filter(words -> words.startsWith(hold.noteStart())).isPresent())
                .findFirst().orElse(PauseHold.NONE);
    }

    /**
     * The words the release before V77 began the note of a run refused when it came to run with, its reason's name and
     * ": " next; it read the reason back from them. Fixed: they are that release's, whatever this one's say.
     */
    private static final String REFUSED_ON_RUN_BEFORE_V77 = "refused when it came to run: ";

    /**
     * The reason an approved run was refused when it came to run, as this release stored it at the row's version (none
     * stored there: none). A row the release before V77 wrote, or moved last (its moves leave both columns as they were,
     * so the version no longer matches), is read from its note's first words by that release's rule (ADR 0040, amended
     * in session 56; two releases, ADR 0038). A name of a later release too. Never on a hold's give-up.
     */
    private static Optional<ReasonCode> refusedOnRunFor(OperationRow r, OperationState state, PauseHold pauseHold,
                                                        Optional<String> note) {
        if (state != OperationState.REJECTED || pauseHold != PauseHold.NONE) {
            return Optional.empty();
        }
        if (r.refusedOnRunVersion() != null && r.refusedOnRunVersion() == r.version()) {
            if (r.refusedOnRunReason() == null) {
                return Optional.empty();
            }
            Optional<ReasonCode> stored = reasonNamed(r.refusedOnRunReason());
            if (stored.isPresent()) {
                return stored;
            }
        }
        return note.filter(words -> words.startsWith(REFUSED_ON_RUN_BEFORE_V77)).flatMap(words -> {
            String rest = words.substring(REFUSED_ON_RUN_BEFORE_V77.length());
            int end = rest.indexOf(':');
            return reasonNamed(end < 0 ? rest : rest.substring(0, end));
        });
    }

    private static Optional<ReasonCode> reasonNamed(String name) {
        return java.util.Arrays.stream(ReasonCode.values()).filter(reason -> reason.name().equals(name)).findFirst();
    }
}

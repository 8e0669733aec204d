package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RunCalendar;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Policies name only servers their team owns (another team's is {@code SERVER_NOT_FOUND}, as a
 * missing one), a schedule the run calendar reads, and at most {@value #MAX_PER_TEAM} per team.
 * A change is audited as an intent first (with its actor and diff), then stored over the version read,
 * then its outcome: a crash between leaves an intent that reconciliation settles from the row
 * ({@link PolicyIntents}, ADR 0036), never a change with no event.
 */
public final class ManagePoliciesService implements ManagePoliciesUseCase {

    public static final int MAX_PER_TEAM = 100;

    private final RecoveryPolicies policies;
    private final ServerOwnership ownership;
    private final RunCalendar calendar;
    private final PolicyAudit audit;
    private final Clock clock;

    public ManagePoliciesService(RecoveryPolicies policies, ServerOwnership ownership, RunCalendar calendar,
                                 AuditWriter writer, Clock clock) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = new PolicyAudit(writer, clock);
    }

    @Override
    public RecoveryPolicy create(CallContext context, PolicySpec spec) {
        requireCreatable(context, spec);
        return created(audit, context, idOf(context), spec);
    }

    /** The id a policy created by {@code context}'s request has ({@link PolicyId#createdBy}). */
    public static PolicyId idOf(CallContext context) {
        return PolicyId.createdBy(context.operationId());
    }

    /**
     * Whether {@code spec} would be created now for {@code context}'s team (the team's limit, its servers, a
     * schedule the calendar reads); a refusal is audited and thrown as {@link #create} would.
     */
    public void requireCreatable(CallContext context, PolicySpec spec) {
        try {
            if (policies.count(context.team()) >= MAX_PER_TEAM) {
                throw limitReached();
            }
            requireAcceptable(context.team(), spec);
        } catch (RecoveryException refusal) {
            throw audit.refused(context, Operation.CREATE_POLICY, Optional.empty(), refusal);
        }
    }

    /** A create a second person approved (ADR 0043), checked again now, as the approver's; the events name the requester. */
    public RecoveryPolicy createApproved(CallContext approver, Actor requester, PolicyId id, PolicySpec spec) {
        requireCreatable(approver, spec);
        return created(audit.requestedBy(requester), approver, id, spec);
    }

    private RecoveryPolicy created(PolicyAudit audit, CallContext context, PolicyId id, PolicySpec spec) {
        RecoveryPolicy created = RecoveryPolicy.created(id, context.team(), spec, clock.instant());
        String attempt = audit.intent(context, Operation.CREATE_POLICY, created.id(), created.version(), spec.fields());
        // Counted again in the insert itself: two creates (threads or instances) past the check above never both land.
        if (!stored(audit, context, Operation.CREATE_POLICY, created.id(), created.version(), attempt,
                () -> policies.addWithin(created, MAX_PER_TEAM))) {
            throw audit.failedAfterIntent(context, Operation.CREATE_POLICY, created.id(), created.version(), attempt,
                    limitReached());
        }
        audit.done(context, Operation.CREATE_POLICY, created.id(), created.version(), attempt, spec.fields());
        return created;
    }

    @Override
    public KeysetPage<RecoveryPolicy, PolicyId> list(TeamId team, Optional<PolicyId> after, int limit) {
        RecoveryPolicies.requirePage(limit);
        // One more than shown says whether another page follows, so a last page exactly full has no next (session 42).
        // Read in the store's pages: a limit of MAX_PAGE reads MAX_PAGE, then the one more after the last of them.
        List<RecoveryPolicy> read = new java.util.ArrayList<>();
        Optional<PolicyId> cursor = after;
        while (read.size() <= limit) {
            int asked = Math.min(limit + 1 - read.size(), RecoveryPolicies.MAX_PAGE);
            List<RecoveryPolicy> more = policies.list(team, cursor, asked);
            if (more.isEmpty() && !read.isEmpty() && policies.find(team, read.getLast().id()).isEmpty()) {
                // The page's last policy was deleted between the two reads, which then paged from nowhere: whether more
                // follow is not known, so next names it, and following it says POLICY_NOT_FOUND (list again), never an
                // end that may be none.
                return new KeysetPage<>(read, Optional.of(read.getLast().id()));
            }
            read.addAll(more);
            if (more.size() < asked) {
                break;
            }
            cursor = Optional.of(more.getLast().id());
        }
        // A cursor whose policy is gone pages from nowhere, an empty page that would read as the end. Asked after the
        // page, not before: a delete between a check and the page's read left that empty page answered (session 41).
        if (read.isEmpty() && after.isPresent() && policies.find(team, after.get()).isEmpty()) {
            throw new ResourceNotFound(ReasonCode.POLICY_NOT_FOUND,
                    "policy " + after.get() + " (after) is gone, deleted since the last page; list again from the start");
        }
        return KeysetPage.of(read, limit, RecoveryPolicy::id);
    }

    /** The team's policy, if there is one. */
    public Optional<RecoveryPolicy> find(TeamId team, PolicyId id) {
        return policies.find(team, id);
    }

    @Override
    public RecoveryPolicy get(TeamId team, PolicyId id) {
        return policies.find(team, id).orElseThrow(() -> notFound(id));
    }

    @Override
    public RecoveryPolicy update(CallContext context, PolicyId id, OptionalLong expectedVersion, PolicySpec spec) {
        return updated(audit, context, requireUpdatable(context, id, expectedVersion, spec), spec);
    }

    /**
     * The policy {@code spec} would replace now (If-Match required and current, the spec acceptable); a refusal
     * is audited and thrown as {@link #update} would.
     */
    public RecoveryPolicy requireUpdatable(CallContext context, PolicyId id, OptionalLong expectedVersion, PolicySpec spec) {
        try {
            if (expectedVersion.isEmpty()) {
                throw new RecoveryDenied(ReasonCode.POLICY_VERSION_REQUIRED,
                        "name the version of policy " + id + " you change: the version its read answered");
            }
            RecoveryPolicy current = currentAt(context.team(), id, expectedVersion);
            requireAcceptable(context.team(), spec);
            return current;
        } catch (RecoveryException refusal) {
            throw audit.refused(context, Operation.UPDATE_POLICY, Optional.of(id), refusal);
        }
    }

    /**
     * An update a second person approved (ADR 0043): only over {@code version}, the version it was asked
     * against (a policy moved meanwhile is refused {@code POLICY_VERSION_CONFLICT}, never overwritten).
     */
    public RecoveryPolicy updateApproved(CallContext approver, Actor requester, PolicyId id, long version, PolicySpec spec) {
        PolicyAudit theirs = audit.requestedBy(requester);
        RecoveryPolicy current;
        try {
            current = currentAt(approver.team(), id, OptionalLong.of(version));
            requireAcceptable(approver.team(), spec);
        } catch (RecoveryException refusal) {
            throw theirs.refused(approver, Operation.UPDATE_POLICY, Optional.of(id), refusal);
        }
        return updated(theirs, approver, current, spec);
    }

    private RecoveryPolicy updated(PolicyAudit audit, CallContext context, RecoveryPolicy current, PolicySpec spec) {
        PolicyId id = current.id();
        RecoveryPolicy next = current.replacedBy(spec, clock.instant());
        Map<String, String> changes = spec.changesFrom(current.spec());
        String attempt = audit.intent(context, Operation.UPDATE_POLICY, id, next.version(), changes);
        if (!stored(audit, context, Operation.UPDATE_POLICY, id, next.version(), attempt,
                () -> policies.update(current, next))) {
            throw audit.failedAfterIntent(context, Operation.UPDATE_POLICY, id, next.version(), attempt,
                    conflict(id, current.version()));
        }
        audit.done(context, Operation.UPDATE_POLICY, id, next.version(), attempt, changes);
        return next;
    }

    @Override
    public void delete(CallContext context, PolicyId id, OptionalLong expectedVersion) {
        deleted(audit, context, requireDeletable(context, id, expectedVersion));
    }

    /** The policy a delete would remove now (at If-Match's version when given); a refusal is audited as {@link #delete}'s. */
    public RecoveryPolicy requireDeletable(CallContext context, PolicyId id, OptionalLong expectedVersion) {
        try {
            return currentAt(context.team(), id, expectedVersion);
        } catch (RecoveryException refusal) {
            throw audit.refused(context, Operation.DELETE_POLICY, Optional.of(id), refusal);
        }
    }

    /** A delete a second person approved (ADR 0043): only of {@code version}, the version it was asked against. */
    public void deleteApproved(CallContext approver, Actor requester, PolicyId id, long version) {
        PolicyAudit theirs = audit.requestedBy(requester);
        RecoveryPolicy current;
        try {
            current = currentAt(approver.team(), id, OptionalLong.of(version));
        } catch (RecoveryException refusal) {
            throw theirs.refused(approver, Operation.DELETE_POLICY, Optional.of(id), refusal);
        }
        deleted(theirs, approver, current);
    }

    private void deleted(PolicyAudit audit, CallContext context, RecoveryPolicy current) {
        PolicyId id = current.id();
        Map<String, String> was = new LinkedHashMap<>();
        current.spec().fields().forEach((field, value) -> was.put(field, value + " -> (deleted)"));
        String attempt = audit.intent(context, Operation.DELETE_POLICY, id, current.version(), was);
        if (!stored(audit, context, Operation.DELETE_POLICY, id, current.version(), attempt,
                () -> policies.remove(current))) {
            throw audit.failedAfterIntent(context, Operation.DELETE_POLICY, id, current.version(), attempt,
                    conflict(id, current.version()));
        }
        audit.done(context, Operation.DELETE_POLICY, id, current.version(), attempt, was);
    }

    /**
     * The row's write after the intent. The store's {@link PlatformUnavailable} says nothing was done (no connection, a
     * lock not granted): FAILED settles the intent, and the refusal says the attempt is over, so its key is freed even
     * while that FAILED waits to be written. Any other failure may come after the commit: the change is left
     * unresolved, for reconciliation (ADR 0027, review of session 40).
     */
    private static boolean stored(PolicyAudit audit, CallContext context, Operation operation, PolicyId id, long version,
                                  String attempt,
                           java.util.function.BooleanSupplier write) {
        try {
            return write.getAsBoolean();
        } catch (PlatformUnavailable notDone) {
            audit.failedAfterIntent(context, operation, id, version, attempt, notDone);
            throw PlatformUnavailable.attemptEndedBeforeTheProvider("the platform cannot store the policy now and "
                    + "nothing was changed; try again shortly", notDone.retryAfter(), notDone);
        } catch (RuntimeException storeDown) {
            audit.unresolved(context, operation, id, version, attempt);
            // Not PlatformUnavailable's "nothing was done, try again": a retried create would make a second policy.
            throw new PlatformOutcomeUnknown("the platform's store failed while committing the policy, so the change "
                    + "may have taken effect; list or read the policies before trying again", storeDown);
        }
    }

    private RecoveryPolicy currentAt(TeamId team, PolicyId id, OptionalLong expectedVersion) {
        RecoveryPolicy current = get(team, id);
        if (expectedVersion.isPresent() && expectedVersion.getAsLong() != current.version()) {
            throw conflict(id, expectedVersion.getAsLong());
        }
        return current;
    }

    private void requireAcceptable(TeamId team, PolicySpec spec) {
        for (ServerId server : spec.servers().listed()) {
            if (!ownership.owns(team, server)) {
                throw new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + server.value() + " not found");
            }
        }
        calendar.refusal(spec.schedule()).ifPresent(why -> {
            throw new RecoveryDenied(ReasonCode.INVALID_SCHEDULE, "cron " + spec.schedule().cron() + ": " + why);
        });
    }

    private static RecoveryDenied limitReached() {
        return new RecoveryDenied(ReasonCode.POLICY_LIMIT_REACHED,
                "a team has at most " + MAX_PER_TEAM + " policies; delete one first");
    }

    private static RecoveryDenied conflict(PolicyId id, long version) {
        return new RecoveryDenied(ReasonCode.POLICY_VERSION_CONFLICT, "policy " + id + " is no longer at version "
                + version + "; read it again and apply your change to the current version");
    }

    private static ResourceNotFound notFound(PolicyId id) {
        return new ResourceNotFound(ReasonCode.POLICY_NOT_FOUND, "policy " + id + " not found");
    }
}

package org.vpsrecovery.adapters.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.data.model.jpa.criteria.PersistentEntityCriteriaQuery;
import io.micronaut.data.repository.jpa.criteria.CriteriaQueryBuilder;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * How the adapters read {@code audit_event}, shared by the history and the reports: the one filter
 * ({@link AuditEventFilter}) as one criteria query, and the one mapping of a row to the domain.
 * The criteria add a predicate only for what the filter names, so each common filter stays a plain
 * equality the planner matches to its V4 index ending in {@code sequence} (ADR 0020, 0030).
 */
public final class AuditEventRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditEventRowRepository rows;
    private final ChainHeadRowRepository head;
    /** Every intent below this sequence has a final outcome (this instance's knowledge; 0 after a start). */
    private final AtomicLong settledBelow = new AtomicLong();

    public AuditEventRows(AuditEventRowRepository rows, ChainHeadRowRepository head) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.head = Objects.requireNonNull(head, "head");
    }

    /** The events passing {@code filter}, newest first, older than the cursor, at most {@code limit}. */
    List<RecordedAuditEvent> page(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        try {
            return rows.findAll(newestFirst(filter, beforeSequence, limit, false)).stream()
                    .map(AuditEventRows::toRecorded).toList();
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read audit events", e);
        }
    }

    /**
     * A batch of the export (ADR 0053): as {@link #page}, but a team is a range of one value and the
     * order is (team, sequence). With {@code team = ?} the planner drops the constant team from the order
     * and walks the primary key backwards, reading every team's events to keep one team's (1,000 rows
     * of a 50-team history read ~50,000): the whole table for one team's export. The range keeps the
     * order on (team, sequence), which only audit_event_team_sequence gives: the rows read are the rows
     * returned.
     */
    List<RecordedAuditEvent> exportBatch(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        try {
            return rows.findAll(newestFirst(filter, beforeSequence, limit, true)).stream()
                    .map(AuditEventRows::toRecorded).toList();
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read audit events", e);
        }
    }

    /**
     * Intents older than {@code acceptedBefore} without a final outcome, oldest first. The walk starts at the
     * first intent that had none when last looked (ADR 0076): outcomes are appended, never removed, so an
     * intent settled once stays settled, and the walk no longer grows with the whole history. The head is
     * read before the first unsettled intent is looked for: an intent committed in between comes after it.
     */
    List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, int limit) {
        try {
            // Every event up to the head is committed: appends move it and insert in one transaction, in order.
            long last = head.findById(ChainHeadRow.ID).map(ChainHeadRow::lastSequence).orElse(0L);
            long known = settledBelow.get();
            // A head behind what was known: the database was restored to an earlier point; look again from the start.
            long from = known > last + 1 ? 0 : known;
            long firstUnsettled = rows.firstUnsettledIntent(from, last).orElse(last + 1);
            settledBelow.compareAndSet(known, firstUnsettled);
            return rows.pendingIntents(firstUnsettled, acceptedBefore, limit).stream().map(AuditEventRows::toRecorded).toList();
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("list pending intents", e);
        }
    }

    List<AuditEventRowRepository.ActivityRow> recoveryActivity(List<Long> servers) {
        try {
            return rows.recoveryActivity(servers);
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read the recovery activity", e);
        }
    }

    static CriteriaQueryBuilder<AuditEventRow> newestFirst(AuditEventFilter filter, OptionalLong beforeSequence,
                                                           int limit, boolean teamOrdered) {
        return cb -> {
            @SuppressWarnings("unchecked")
            PersistentEntityCriteriaQuery<AuditEventRow> query =
                    (PersistentEntityCriteriaQuery<AuditEventRow>) cb.createQuery(AuditEventRow.class);
            Root<AuditEventRow> row = query.from(AuditEventRow.class);
            List<Predicate> where = new ArrayList<>();
            boolean byTeam = teamOrdered && filter.team().isPresent();
            filter.team().ifPresent(team -> where.add(byTeam
                    ? cb.between(row.<String>get("team"), team.value(), team.value())
                    : cb.equal(row.get("team"), team.value())));
            filter.server().ifPresent(server -> where.add(cb.equal(row.get("serverId"), server.value())));
            if (filter.operations().size() == 1) {
                // Equality, not IN: the planner matches it to the (team, operation, sequence) index.
                where.add(cb.equal(row.get("operation"), filter.operations().iterator().next().name()));
            } else if (!filter.operations().isEmpty()) {
                where.add(row.get("operation").in(filter.operations().stream().map(Operation::name).sorted().toList()));
            }
            filter.outcome().ifPresent(kind -> where.add(cb.equal(row.get("outcomeKind"), kind.name())));
            filter.reason().ifPresent(reason -> where.add(cb.equal(row.get("outcomeReason"), reason.name())));
            filter.from().ifPresent(from -> where.add(cb.greaterThanOrEqualTo(row.<Instant>get("occurredAt"), from)));
            filter.to().ifPresent(to -> where.add(cb.lessThan(row.<Instant>get("occurredAt"), to)));
            filter.requestId().ifPresent(id -> where.add(cb.equal(row.get("requestId"), id.value())));
            // The same expression as V15's index on the actor's subject in the chained detail (ADR 0034).
            filter.actorSubject().ifPresent(subject -> where.add(cb.equal(cb.function("jsonb_extract_path_text",
                    String.class, row.get("detail"), cb.literal(Actor.SUBJECT)), subject)));
            beforeSequence.ifPresent(before -> where.add(cb.lessThan(row.<Long>get("sequence"), before)));
            query.select(row);
            if (!where.isEmpty()) {
                query.where(where.toArray(Predicate[]::new));
            }
            if (byTeam) {
                query.orderBy(cb.desc(row.get("team")), cb.desc(row.get("sequence")));
            } else {
                query.orderBy(cb.desc(row.get("sequence")));
            }
            return query.limit(limit);
        };
    }

    /** The row as a domain event; {@link IllegalArgumentException} when it no longer reads as one. */
    static RecordedAuditEvent toRecorded(AuditEventRow r) {
        Optional<ResourceRef> resource = r.resourceType() == null ? Optional.empty()
                : Optional.of(new ResourceRef(ResourceRef.Type.valueOf(r.resourceType()), r.resourceId()));
        Outcome outcome = Outcome.of(Outcome.Kind.valueOf(r.outcomeKind()),
                Optional.ofNullable(r.outcomeReason()).map(ReasonCode::valueOf), Optional.ofNullable(r.outcomeCause()));
        OptionalInt status = r.providerStatus() == null ? OptionalInt.empty() : OptionalInt.of(r.providerStatus());
        AuditEvent event = new AuditEvent(r.occurredAt(), new TeamId(r.team()), new RequestId(r.requestId()),
                Operation.valueOf(r.operation()), Optional.ofNullable(r.serverId()).map(ServerId::new), resource,
                outcome, status, detail(r.detail()));
        return new RecordedAuditEvent(r.sequence(), event);
    }

    private static Map<String, String> detail(String json) {
        JsonNode object;
        try {
            object = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("detail is not JSON", e);
        }
        Map<String, String> detail = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            // A JSON null or non-text value can only come from outside the application.
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException("detail " + entry.getKey() + " is not text");
            }
            detail.put(entry.getKey(), entry.getValue().textValue());
        }
        return detail;
    }
}

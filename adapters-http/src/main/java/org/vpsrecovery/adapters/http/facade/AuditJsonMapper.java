package org.vpsrecovery.adapters.http.facade;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.vpsrecovery.adapters.http.facade.AuditJson.ChainVerificationJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.CheckpointJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.EventJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.EventPageJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.ExpiringBackupJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.RecoverabilityJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.RecoveryPointJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.ResourceJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.ServerRecoverabilityJson;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainCut;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.RecoverabilityReport;
import org.vpsrecovery.domain.report.ServerRecoverability;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * The one place where the audit reports' domain objects become their JSON (and CSV row) shapes; the summary's
 * JSON is written as a stream by {@link AuditSummaryJson} (ADR 0064).
 */
public final class AuditJsonMapper {

    private AuditJsonMapper() {
    }

    public static EventJson event(RecordedAuditEvent recorded) {
        AuditEvent e = recorded.event();
        return new EventJson(recorded.sequence(), e.occurredAt().toString(), e.team().value(), e.requestId().value(),
                e.operation().name(), e.server().map(s -> s.value()).orElse(null),
                e.resource().map(r -> new ResourceJson(r.type().name(), r.id())).orElse(null),
                e.outcome().kind().name(), e.outcome().reasonCode().map(Enum::name).orElse(null),
                e.outcome().explanation().orElse(null),
                e.providerStatus().isPresent() ? e.providerStatus().getAsInt() : null,
                new TreeMap<>(e.detail()), actor(Actor.of(e)));
    }

    /**
     * A row a later release wrote under a name this release does not know (ADR 0005, amended in sessions 49 and 50): every
     * part as stored, its names as the text stored, and {@code written_by_a_later_release} saying which name this release
     * does not know. Its actor is read from its detail as any event's is.
     */
    public static EventJson event(LaterReleaseEvent later) {
        return new EventJson(later.sequence(), later.occurredAt().toString(), later.team().value(),
                later.requestId().value(), later.operation(), later.server().map(s -> s.value()).orElse(null),
                later.resourceType().map(type -> new ResourceJson(type, later.resourceId().orElseThrow())).orElse(null),
                later.outcome(), later.reason().orElse(null), later.cause().orElse(null),
                later.providerStatus().isPresent() ? later.providerStatus().getAsInt() : null,
                new TreeMap<>(later.detail()), actor(Actor.of(later.detail())), later.unknownName());
    }

    private static AuditJson.ActorJson actor(Optional<Actor> actor) {
        return actor.map(a -> new AuditJson.ActorJson(a.subject(), a.authentication().wireName(), a.keyId().orElse(null)))
                .orElse(null);
    }

    public static EventJson entry(AuditHistoryEntry entry) {
        return switch (entry) {
            case RecordedAuditEvent recorded -> event(recorded);
            case LaterReleaseEvent later -> event(later);
        };
    }

    static EventPageJson page(AuditEventPage page) {
        return new EventPageJson(page.entries().size(),
                page.nextBefore().isPresent() ? AuditReportParameters.cursorOf(page.nextBefore().getAsLong()) : null,
                page.entries().stream().map(AuditJsonMapper::entry).toList());
    }

    static ChainVerificationJson verification(ChainVerification verification) {
        return switch (verification) {
            case ChainVerification.Intact intact -> new ChainVerificationJson(true, intact.eventsChecked(),
                    intact.head().hex(), null, null, null, intact.checkpointsChecked(),
                    intact.latestCheckpoint().map(c -> new CheckpointJson(c.sequence(), c.hash().hex(),
                            c.takenAt().toString(), c.keyId())).orElse(null),
                    intact.walkedAfter() == 0 ? null : intact.walkedAfter(),
                    intact.cutAt().map(AuditJsonMapper::cut).orElse(null));
            case ChainVerification.Broken broken -> new ChainVerificationJson(false, null, null, broken.sequence(),
                    broken.fault().name(), broken.explanation(), broken.checkpointsChecked(), null, null,
                    broken.cutAt().map(AuditJsonMapper::cut).orElse(null));
        };
    }

    private static AuditJson.ChainCutJson cut(ChainCheckpoint first) {
        ChainCut cut = first.cut().orElseThrow();
        return new AuditJson.ChainCutJson(cut.setAsideSequence(), cut.setAsideHash().hex(), cut.setAsideDigest().hex(),
                cut.setAsideTakenAt().toString(), cut.heldThrough(),
                cut.heldThroughTakenAt().map(Instant::toString).orElse(null), cut.heldThrough() + 1, first.sequence(),
                first.takenAt().toString(), cut.describe(first));
    }

    static RecoverabilityJson recoverability(RecoverabilityReport report) {
        Instant now = report.generatedAt();
        return new RecoverabilityJson(now.toString(), report.expiringWithin().toDays(),
                report.servers().stream().map(s -> server(s, now)).toList(),
                report.withoutRecoveryPoint().stream().map(s -> s.server().value()).toList());
    }

    private static ServerRecoverabilityJson server(ServerRecoverability s, Instant now) {
        return new ServerRecoverabilityJson(s.server().value(), s.team().value(),
                s.newestSnapshot().map(snapshot -> snapshot(snapshot, now)).orElse(null),
                s.newestBackup().map(backup -> backup(backup, now)).orElse(null),
                s.expiringSoon().stream().map(b -> new ExpiringBackupJson(b.id().value(), b.createdAt().toString(),
                        b.expiresAt().orElseThrow().toString(), seconds(now, b.expiresAt().orElseThrow()))).toList(),
                s.hasRecoveryPoint(), text(s.activity().lastCompletedCreate()), text(s.activity().lastCompletedRestore()),
                s.activity().lastRestoreRequested().map(r -> new AuditJson.LastRestoreRequestedJson(
                        r.requestedAt().toString(), r.ending().name().toLowerCase(java.util.Locale.ROOT))).orElse(null));
    }

    private static RecoveryPointJson snapshot(Snapshot snapshot, Instant now) {
        return new RecoveryPointJson(snapshot.id().value(), snapshot.name(), null, snapshot.createdAt().toString(),
                seconds(snapshot.createdAt(), now), null);
    }

    private static RecoveryPointJson backup(Backup backup, Instant now) {
        return new RecoveryPointJson(backup.id().value(), null, backup.type().label(), backup.createdAt().toString(),
                seconds(backup.createdAt(), now), backup.expiresAt().map(Instant::toString).orElse(null));
    }

    /** Whole seconds from {@code from} to {@code to}, never negative (a provider clock slightly ahead). */
    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }

    private static String text(Optional<Instant> at) {
        return at.map(Instant::toString).orElse(null);
    }

    /** One CSV row's cells, in {@link AuditCsv#HEADER}'s order. */
    static List<String> csvRow(AuditHistoryEntry entry) {
        EventJson e = entry(entry);
        return Arrays.asList(Long.toString(e.sequence()), e.occurredAt(), e.team(), e.requestId(),
                e.operation(), e.serverId() == null ? null : e.serverId().toString(),
                e.resource() == null ? null : e.resource().type(),
                e.resource() == null ? null : Long.toString(e.resource().id()),
                e.outcome(), e.reasonCode(), e.cause(),
                e.providerStatus() == null ? null : e.providerStatus().toString(),
                e.detail().get(AuditEvent.NAME), e.detail().get(AuditEvent.DESCRIPTION), AuditCsv.detailText(e.detail()),
                e.actor() == null ? null : e.actor().subject(), e.actor() == null ? null : e.actor().authentication(),
                e.actor() == null ? null : e.actor().keyId(), e.writtenByALaterRelease());
    }
}

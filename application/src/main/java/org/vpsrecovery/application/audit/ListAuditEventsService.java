package org.vpsrecovery.application.audit;

import java.util.Objects;
import java.util.OptionalLong;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditEventPage;

public final class ListAuditEventsService implements ListAuditEventsUseCase {

    private final AuditReports reports;
    private final AuditReadSlots slots;
    private final AuditReadSlots pageSlots;

    /** {@code slots} for exports, {@code pageSlots} ({@link AuditReadSlots#forPages}) for pages of events. */
    public ListAuditEventsService(AuditReports reports, AuditReadSlots slots, AuditReadSlots pageSlots) {
        this.reports = Objects.requireNonNull(reports, "reports");
        this.slots = Objects.requireNonNull(slots, "slots");
        this.pageSlots = Objects.requireNonNull(pageSlots, "page slots");
    }

    @Override
    public AuditEventPage listAuditEvents(AuditReader reader, AuditEventFilter filter, OptionalLong beforeSequence,
                                          int limit) {
        AuditEventFilter scoped = scoped(reader, filter);
        return pageSlots.read(reader, () -> reports.page(scoped, beforeSequence, limit));
    }

    @Override
    public AuditReadSlots.Held<AuditEventPage> openAuditEventPage(AuditReader reader, AuditEventFilter filter,
                                                                  OptionalLong beforeSequence, int limit) {
        AuditEventFilter scoped = scoped(reader, filter);
        return pageSlots.hold(reader, () -> reports.page(scoped, beforeSequence, limit));
    }

    @Override
    public AuditEventStream exportAuditEvents(AuditReader reader, AuditEventFilter filter) {
        AuditEventFilter scoped = scoped(reader, filter);
        return slots.stream(reader, () -> reports.stream(scoped));
    }

    private static AuditEventFilter scoped(AuditReader reader, AuditEventFilter filter) {
        return reader.scope(filter.team()).map(filter::forTeam).orElse(filter);
    }
}

package org.vpsrecovery.domain.report;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * One page of events, newest first. {@code nextBefore} is the keyset cursor of the next page (the
 * last event's sequence), present only when this page is full: sequences never change, so pages
 * neither repeat nor skip an event while new ones are appended.
 */
public record AuditEventPage(List<RecordedAuditEvent> events, OptionalLong nextBefore) {

    public AuditEventPage {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(nextBefore, "next before");
        events = List.copyOf(events);
        for (int i = 1; i < events.size(); i++) {
            if (events.get(i).sequence() >= events.get(i - 1).sequence()) {
                throw new IllegalArgumentException("a page is newest first, without repeats");
            }
        }
        if (nextBefore.isPresent() && (events.isEmpty()
                || nextBefore.getAsLong() != events.getLast().sequence())) {
            throw new IllegalArgumentException("the cursor is the last event's sequence");
        }
    }

    /** The page of at most {@code limit} events read as {@code limit + 1} (the extra one says "more"). */
    public static AuditEventPage of(List<RecordedAuditEvent> readOneMore, int limit) {
        if (readOneMore.size() > limit) {
            List<RecordedAuditEvent> page = readOneMore.subList(0, limit);
            return new AuditEventPage(page, OptionalLong.of(page.getLast().sequence()));
        }
        return new AuditEventPage(readOneMore, OptionalLong.empty());
    }
}

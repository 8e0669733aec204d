package org.vpsrecovery.domain.report;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * One page of the history's rows, newest first: events this release knows and, among them, those a later release wrote
 * under names this release does not know (ADR 0005, amended in session 49). {@code nextBefore} is the keyset cursor of
 * the next page (the last row's sequence), present only when this page is full: sequences never change, so pages
 * neither repeat nor skip a row while new ones are appended.
 */
public record AuditEventPage(List<? extends AuditHistoryEntry> entries, OptionalLong nextBefore) {

    public AuditEventPage {
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(nextBefore, "next before");
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).sequence() >= entries.get(i - 1).sequence()) {
                throw new IllegalArgumentException("a page is newest first, without repeats");
            }
        }
        if (nextBefore.isPresent() && (entries.isEmpty()
                || nextBefore.getAsLong() != entries.getLast().sequence())) {
            throw new IllegalArgumentException("the cursor is the last row's sequence");
        }
    }

    /** The page's events this release knows, newest first; {@link #entries} holds every row. */
    public List<RecordedAuditEvent> events() {
        return entries.stream().<RecordedAuditEvent>mapMulti((entry, known) -> {
            if (entry instanceof RecordedAuditEvent recorded) {
                known.accept(recorded);
            }
        }).toList();
    }

    /** The page of at most {@code limit} rows read as {@code limit + 1} (the extra one says "more"). */
    public static AuditEventPage of(List<? extends AuditHistoryEntry> readOneMore, int limit) {
        if (readOneMore.size() > limit) {
            List<? extends AuditHistoryEntry> page = readOneMore.subList(0, limit);
            return new AuditEventPage(page, OptionalLong.of(page.getLast().sequence()));
        }
        return new AuditEventPage(readOneMore, OptionalLong.empty());
    }
}

package org.vpsrecovery.domain.hold;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a point's holds, newest first; {@code next} is the last one's id when more follow, empty on the last
 * page, so a page that is exactly full at the end never points to an empty one.
 */
public record HoldPage(List<RecoveryPointHold> holds, Optional<HoldId> next) {

    public HoldPage {
        holds = List.copyOf(Objects.requireNonNull(holds, "holds"));
        Objects.requireNonNull(next, "next");
        if (next.isPresent() && (holds.isEmpty() || !next.get().equals(holds.getLast().id()))) {
            throw new IllegalArgumentException("the cursor is the last hold's id");
        }
    }

    /** The page of at most {@code limit} read as {@code limit + 1} (the extra one says "more"). */
    public static HoldPage of(List<RecoveryPointHold> readOneMore, int limit) {
        if (readOneMore.size() > limit) {
            List<RecoveryPointHold> page = readOneMore.subList(0, limit);
            return new HoldPage(page, Optional.of(page.getLast().id()));
        }
        return new HoldPage(readOneMore, Optional.empty());
    }
}

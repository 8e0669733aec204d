package org.vpsrecovery.domain.drift;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/** One page of drifts, newest (highest id) first; {@code nextBefore} is the last one's id when more follow. */
public record DriftPage(List<RecordedDrift> drifts, OptionalLong nextBefore) {

    public DriftPage {
        drifts = List.copyOf(Objects.requireNonNull(drifts, "drifts"));
        Objects.requireNonNull(nextBefore, "next before");
        for (int i = 1; i < drifts.size(); i++) {
            if (drifts.get(i).id() >= drifts.get(i - 1).id()) {
                throw new IllegalArgumentException("a page is newest first, without repeats");
            }
        }
        if (nextBefore.isPresent() && (drifts.isEmpty() || nextBefore.getAsLong() != drifts.getLast().id())) {
            throw new IllegalArgumentException("the cursor is the last drift's id");
        }
    }

    /** The page of at most {@code limit} read as {@code limit + 1} (the extra one says "more"). */
    public static DriftPage of(List<RecordedDrift> readOneMore, int limit) {
        if (readOneMore.size() > limit) {
            List<RecordedDrift> page = readOneMore.subList(0, limit);
            return new DriftPage(page, OptionalLong.of(page.getLast().id()));
        }
        return new DriftPage(readOneMore, OptionalLong.empty());
    }
}

package org.vpsrecovery.domain.common;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a keyset-paged list, in the list's own order: {@code next} is the last item's key when more may follow
 * (the next page is read after it), empty on the last page. The one rule for holds, policies and drifts: read one
 * more than shown, so a last page that is exactly full never points to an empty one (session 42).
 *
 * @param <T> what is listed
 * @param <K> the key the list is paged by, its cursor
 */
public record KeysetPage<T, K>(List<T> items, Optional<K> next) {

    public KeysetPage {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        Objects.requireNonNull(next, "next");
        if (next.isPresent() && items.isEmpty()) {
            throw new IllegalArgumentException("the cursor is the last item's key, and an empty page has none");
        }
    }

    /**
     * The page of at most {@code limit} read as {@code limit + 1} (the extra one says "more"): {@code next} is the key
     * of the last one shown, and only when the extra one was read.
     */
    public static <T, K> KeysetPage<T, K> of(List<T> readOneMore, int limit, Function<? super T, ? extends K> keyOf) {
        Objects.requireNonNull(readOneMore, "read one more");
        Objects.requireNonNull(keyOf, "key of");
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one item, not " + limit);
        }
        if (readOneMore.size() > limit) {
            List<T> page = readOneMore.subList(0, limit);
            return new KeysetPage<>(page, Optional.of(keyOf.apply(page.getLast())));
        }
        return new KeysetPage<>(readOneMore, Optional.empty());
    }
}

package org.vpsrecovery.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The one paging rule of holds, policies and drifts: read one more than shown, the extra one says "more". */
class KeysetPageTest {

    /** Items 0..n-1, each keyed "k" + itself, so a key names which item it came from. */
    private static List<Integer> read(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static String keyOf(Integer item) {
        return "k" + item;
    }

    @Property
    void aLastPageUpToExactlyFullHasNoNext(@ForAll @IntRange(min = 1, max = 60) int limit,
            @ForAll @IntRange(min = 0, max = 60) int fewer) {
        int n = Math.max(0, limit - fewer);
        KeysetPage<Integer, String> page = KeysetPage.of(read(n), limit, KeysetPageTest::keyOf);
        assertThat(page.items()).isEqualTo(read(n));
        assertThat(page.next()).isEmpty();
    }

    @Property
    void oneMoreThanTheLimitShowsTheLimitAndPointsAfterItsLastItem(@ForAll @IntRange(min = 1, max = 60) int limit) {
        KeysetPage<Integer, String> page = KeysetPage.of(read(limit + 1), limit, KeysetPageTest::keyOf);
        assertThat(page.items()).isEqualTo(read(limit));
        assertThat(page.next()).hasValue(keyOf(limit - 1));
    }

    @Example
    void anExactlyFullLastPageIsTheEnd() {
        assertThat(KeysetPage.of(List.of(7, 8), 2, KeysetPageTest::keyOf))
                .isEqualTo(new KeysetPage<>(List.of(7, 8), Optional.empty()));
        assertThat(KeysetPage.of(List.of(7, 8, 9), 2, KeysetPageTest::keyOf))
                .isEqualTo(new KeysetPage<>(List.of(7, 8), Optional.of("k8")));
    }

    @Property
    void aLimitBelowOneIsRefusedWhateverWasRead(@ForAll @IntRange(min = -5, max = 0) int limit,
            @ForAll @IntRange(min = 0, max = 3) int n) {
        assertThatThrownBy(() -> KeysetPage.of(read(n), limit, KeysetPageTest::keyOf))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Example
    void anEmptyPageHasNoCursorAndThePageIsACopy() {
        assertThatThrownBy(() -> new KeysetPage<>(List.of(), Optional.of("k0")))
                .isInstanceOf(IllegalArgumentException.class);
        var items = new java.util.ArrayList<>(List.of(1, 2));
        KeysetPage<Integer, String> page = new KeysetPage<>(items, Optional.empty());
        items.add(3);
        assertThat(page.items()).containsExactly(1, 2);
    }
}

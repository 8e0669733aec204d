package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The walked checkpoints' set: what a set answers, in increasing order (a store's file) or not (an edited one). */
class SequenceSetTest {

    @Test
    void answersAsASetWhateverTheOrderOfTheAdds() {
        Random random = new Random(46);
        SequenceSet sequences = new SequenceSet();
        Set<Long> expected = new HashSet<>();
        for (long s = 0; s < 5_000; s += 1 + random.nextInt(3)) { // increasing, as a store's file
            sequences.add(s);
            expected.add(s);
        }
        for (int i = 0; i < 2_000; i++) { // out of order and repeated
            long s = random.nextInt(20_000);
            sequences.add(s);
            expected.add(s);
        }
        assertThat(sequences.size()).isEqualTo(expected.size());
        for (long s = -1; s <= 20_001; s++) {
            assertThat(sequences.contains(s)).as("%d", s).isEqualTo(expected.contains(s));
        }
    }
}

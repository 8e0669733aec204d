package org.vpsrecovery.domain.audit;

import java.util.Arrays;

/**
 * A set of event sequences as one sorted {@code long[]}: 8 bytes a sequence where a {@code HashSet<Long>} kept about 64
 * (a node, a box and a table slot). Checkpoint sequences come in increasing order in a store's file, so an add is an
 * append and a lookup a binary search; one out of order (an edited witness) is inserted in its place, still correct.
 * Not thread-safe, as the check that keeps it.
 */
final class SequenceSet {

    private long[] sorted = new long[16];
    private int size;

    boolean contains(long sequence) {
        return Arrays.binarySearch(sorted, 0, size, sequence) >= 0;
    }

    void add(long sequence) {
        if (size > 0 && sequence <= sorted[size - 1]) {
            int at = Arrays.binarySearch(sorted, 0, size, sequence);
            if (at >= 0) {
                return;
            }
            insertAt(-at - 1, sequence);
            return;
        }
        insertAt(size, sequence);
    }

    int size() {
        return size;
    }

    private void insertAt(int at, long sequence) {
        if (size == sorted.length) {
            sorted = Arrays.copyOf(sorted, sorted.length + (sorted.length >> 1));
        }
        System.arraycopy(sorted, at, sorted, at + 1, size - at);
        sorted[at] = sequence;
        size++;
    }
}

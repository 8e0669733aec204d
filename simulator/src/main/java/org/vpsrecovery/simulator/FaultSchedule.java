package org.vpsrecovery.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/** The faults currently switched on, in the order added; each consumes one of its {@code times} when it hits. */
public final class FaultSchedule {

    private static final class Armed {
        final Fault fault;
        int remaining;

        Armed(Fault fault) {
            this.fault = fault;
            this.remaining = fault.times();
        }
    }

    private final List<Armed> armed = new ArrayList<>();
    private final Random random;

    FaultSchedule(long randomSeed) {
        this.random = new Random(randomSeed);
    }

    public synchronized void add(Fault fault) {
        armed.add(new Armed(Objects.requireNonNull(fault, "fault")));
    }

    public synchronized void clear() {
        armed.clear();
    }

    public synchronized List<Fault> active() {
        return armed.stream().map(a -> a.fault).toList();
    }

    /** The faults hitting this request: every matching latency, then at most one answer-replacing fault. */
    synchronized List<Fault> draw(String method, String path) {
        List<Fault> hits = new ArrayList<>();
        boolean replaced = false;
        for (var iterator = armed.iterator(); iterator.hasNext(); ) {
            Armed candidate = iterator.next();
            Fault fault = candidate.fault;
            if (!fault.matches(method, path) || (replaced && fault.replacesAnswer())) {
                continue;
            }
            if (fault.share() < 1.0 && random.nextDouble() >= fault.share()) {
                continue;
            }
            hits.add(fault);
            replaced |= fault.replacesAnswer();
            if (candidate.remaining > 0 && --candidate.remaining == 0) {
                iterator.remove();
            }
        }
        return hits;
    }
}

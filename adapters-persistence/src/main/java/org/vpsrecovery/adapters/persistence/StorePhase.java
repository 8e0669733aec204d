package org.vpsrecovery.adapters.persistence;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A measuring tool (issue 13, ADR 0057): one phase of taking a server's lock (the in-memory gate, the
 * lock-connection permit, the pool, the lock statement, the rollback that unlocks), recorded by JFR when a
 * recording is running ({@code benchmarks/run --jfr}), next to nothing otherwise. Read with
 * {@code jfr print --events vpsr.StorePhase}.
 */
@Name("vpsr.StorePhase")
@Label("Store phase")
@Category("VPS Recovery")
@StackTrace(false)
public final class StorePhase extends Event {

    @Label("Phase")
    public String phase;

    @Label("About")
    public String about;

    @Label("Size")
    public int size;

    /** A phase begun now, ended by {@link #done}. */
    static StorePhase started() {
        StorePhase event = new StorePhase();
        event.begin();
        return event;
    }

    /** Ends the phase: recorded only when a recording asks for it. */
    void done(String phaseName, Object of, int sizeOf) {
        end();
        if (shouldCommit()) {
            phase = phaseName;
            about = String.valueOf(of);
            size = sizeOf;
            commit();
        }
    }
}

package org.vpsrecovery.application.change;

import java.util.Objects;
import org.vpsrecovery.domain.change.PendingChange;

/** What a change request came to: done now, or waiting for a second person of the team (ADR 0043). */
public sealed interface Gated<T> {

    record Done<T>(T result) implements Gated<T> {
        public Done {
            Objects.requireNonNull(result, "result");
        }
    }

    record Waiting<T>(PendingChange change) implements Gated<T> {
        public Waiting {
            Objects.requireNonNull(change, "change");
        }
    }
}

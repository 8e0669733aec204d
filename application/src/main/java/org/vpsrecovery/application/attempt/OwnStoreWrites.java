package org.vpsrecovery.application.attempt;

import java.util.function.Function;
import java.util.function.Supplier;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;

/**
 * A write to the platform's own store whose answer may be lost after its commit. A typed failure is the store's own
 * account of what happened (its {@code PlatformUnavailable}: nothing was done, try again) and passes unchanged; any
 * other failure may have come after the commit, so the caller is told the outcome is unknown, never "nothing was
 * done, try again", which a retry would follow into a second of it (ADR 0023, amended in session 44).
 */
public final class OwnStoreWrites {

    private OwnStoreWrites() {
    }

    /** {@code write}'s answer; {@code inDoubt} says what may have been done when the commit's fate is unknown. */
    public static <T> T committedOrInDoubt(Supplier<T> write, Function<RuntimeException, PlatformOutcomeUnknown> inDoubt) {
        try {
            return write.get();
        } catch (RecoveryException typed) {
            throw typed;
        } catch (RuntimeException unknown) {
            throw inDoubt.apply(unknown);
        }
    }

    /** As {@link #committedOrInDoubt(Supplier, Function)}, for a write with no answer. */
    public static void committedOrInDoubt(Runnable write, Function<RuntimeException, PlatformOutcomeUnknown> inDoubt) {
        committedOrInDoubt(() -> {
            write.run();
            return null;
        }, inDoubt);
    }
}

package org.vpsrecovery.application.attempt;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * An approved operation as the one runner that claimed it holds it (ADR 0040): this runner moves it only over the
 * version its claim last wrote, so a runner whose claim ran out and was taken by another moves nothing, and so writes
 * nothing for it; only the claim holder decides what becomes of it. Moves are made one at a time.
 */
public final class ApprovedRunClaim {

    private final RecoveryOperations operations;
    private final OperationId id;
    // A lock rather than synchronized: a move is a database write, and the runner may be a virtual thread.
    private final ReentrantLock moving = new ReentrantLock();
    private RecoveryOperation held;
    /** Moved on by this runner, taken by another, or released: nothing more is moved through this claim. */
    private boolean over;
    /**
     * Refused, its refusal on record (or kept to be), but its end's write failed: the end it was to store, which the
     * settle job stores as recorded; null otherwise.
     */
    private RecoveryOperation owedEnd;

    /** {@code claimed}: the approved operation as this runner's claim stored it in {@code operations}. */
    public ApprovedRunClaim(RecoveryOperations operations, RecoveryOperation claimed) {
        this.operations = Objects.requireNonNull(operations, "operations");
        if (claimed.state() != OperationState.APPROVED) {
            throw new IllegalArgumentException("operation " + claimed.id() + " is not approved");
        }
        this.held = claimed;
        this.id = claimed.id();
    }

    /** The claimed operation's id (read without waiting for a move under way). */
    public OperationId id() {
        return id;
    }

    /** The operation as this claim last stored it. */
    public RecoveryOperation operation() {
        moving.lock();
        try {
            return held;
        } finally {
            moving.unlock();
        }
    }

    /**
     * Moves the operation to {@code next} of the version this claim holds, over that version. Empty when the claim is
     * no longer this runner's (another runner moved the operation since, or this one already moved it on): nothing is
     * written. A store that fails is thrown, and the claim stays as it was.
     */
    public Optional<RecoveryOperation> move(UnaryOperator<RecoveryOperation> next) {
        return move(next, Optional.empty());
    }

    /**
     * As {@link #move(UnaryOperator)}, with {@code step}'s audit event marked owed in the same write (ADR 0040): an end
     * whose event the runner writes just after, so a crash in between leaves it for the settle job, never unwritten.
     */
    public Optional<RecoveryOperation> move(UnaryOperator<RecoveryOperation> next, ApprovalStep step) {
        return move(next, Optional.of(step));
    }

    private Optional<RecoveryOperation> move(UnaryOperator<RecoveryOperation> next, Optional<ApprovalStep> owing) {
        moving.lock();
        try {
            if (over) {
                return Optional.empty();
            }
            RecoveryOperation moved = next.apply(held);
            boolean stored = owing.isPresent() ? operations.update(held, moved, owing.get()) : operations.update(held, moved);
            if (!stored) {
                over = true;
                return Optional.empty();
            }
            held = moved;
            // Still approved (a renewed claim): still this runner's. Moved on (started, rejected): its run's from now on.
            over = moved.state() != OperationState.APPROVED;
            return Optional.of(moved);
        } finally {
            moving.unlock();
        }
    }

    /**
     * This runner was refused, at {@code at} for {@code reason}, and recorded its refusal, but the store failed under the
     * end's write (it may or may not have committed): nothing more is moved through this claim, and its runner answers
     * the end it was to store ({@link #owedEnd}), as for any refusal at run time (ADR 0040, amended in session 47). The
     * settle job makes the record true: the end stored, its owed event; not, the refusal on record.
     */
    public void refusedWithItsEndOwed(java.time.Instant at, ReasonCode reason, String why) {
        moving.lock();
        try {
            over = true;
            owedEnd = held.rejectedOnRun(at, reason, why);
        } finally {
            moving.unlock();
        }
    }

    /** The end {@link #refusedWithItsEndOwed} said could not be stored; empty when it was not said of this claim. */
    public Optional<RecoveryOperation> owedEnd() {
        moving.lock();
        try {
            return Optional.ofNullable(owedEnd);
        } finally {
            moving.unlock();
        }
    }

    /** This runner is done with it: nothing more is moved through this claim. */
    public void release() {
        moving.lock();
        try {
            over = true;
        } finally {
            moving.unlock();
        }
    }
}

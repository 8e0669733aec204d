package org.vpsrecovery.application.operation;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * Reads operations: a team its own (another team's is reported exactly as a missing one), an
 * auditor all. {@link #getOperation} may wait, bounded, for the operation to become final, so a
 * deploy pipeline does "snapshot, then wait until completed" in two calls.
 */
public final class ReadOperationsService implements GetOperationUseCase, ListOperationsUseCase {

    private static final System.Logger LOG = System.getLogger(ReadOperationsService.class.getName());
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(500);

    private final RecoveryOperations operations;
    private final Clock clock;
    private final Duration longestWait;
    /** Counted down once this instance stops: every wait then ends at once (ADR 0038, amended in session 39). */
    private final CountDownLatch waitsEnded = new CountDownLatch(1);

    public ReadOperationsService(RecoveryOperations operations, Clock clock) {
        this(operations, clock, MAX_WAIT);
    }

    /**
     * {@code longestWait}: how long a wait lasts at most here, whatever was asked up to {@link #MAX_WAIT}: below the
     * server's idle timeout, which closes a connection silent both ways even while its answer is awaited
     * ({@link #longestWaitWithin}). An open operation is then answered as it stands; the client asks again.
     */
    public ReadOperationsService(RecoveryOperations operations, Clock clock, Duration longestWait) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.longestWait = Objects.requireNonNull(longestWait, "longestWait");
        if (longestWait.isNegative() || longestWait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("the longest wait must be 0-" + MAX_WAIT.toSeconds() + " seconds");
        }
    }

    /**
     * The longest wait a connection closed after {@code idleTimeout} of silence answers (zero or negative: never
     * closed): two thirds of it, at most {@link #MAX_WAIT}; the last third is for the token's check, the reads and the
     * answer, which come before and after the wait (ADR 0006, amended in session 38).
     */
    public static Duration longestWaitWithin(Duration idleTimeout) {
        if (idleTimeout.isZero() || idleTimeout.isNegative()) {
            return MAX_WAIT;
        }
        Duration twoThirds = idleTimeout.multipliedBy(2).dividedBy(3);
        return twoThirds.compareTo(MAX_WAIT) < 0 ? twoThirds : MAX_WAIT;
    }

    @Override
    public RecoveryOperation getOperation(AuditReader reader, OperationId id, Duration wait, BooleanSupplier stillWanted) {
        Objects.requireNonNull(stillWanted, "stillWanted");
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("wait must be 0-" + MAX_WAIT.toSeconds() + " seconds");
        }
        long deadline = System.nanoTime() + (wait.compareTo(longestWait) > 0 ? longestWait : wait).toNanos();
        RecoveryOperation found = visible(reader, id);
        while (!found.isFinal() && System.nanoTime() < deadline) {
            try {
                // At once for a wait that begins after the stop, too: one path, one line.
                if (waitsEnded.await(Math.min(POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        TimeUnit.MILLISECONDS)) {
                    // Said: the drain outlasts the longest wait, so the answer alone would look the same had the
                    // wait run to its deadline (ADR 0038, amended in session 47).
                    LOG.log(System.Logger.Level.INFO, "a wait for operation {0} ended before its deadline: this instance "
                            + "is stopping; answered as it stands (the caller asks again)", id);
                    // Answered as at the deadline, read once more: the caller asks again, on an instance that stays.
                    return visible(reader, id);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (!stillWanted.getAsBoolean()) {
                // The caller has gone: its slot and the reads go back to callers still there (ADR 0024, session 56).
                LOG.log(System.Logger.Level.DEBUG, "a wait for operation {0} ended before its deadline: its caller has gone", id);
                return found;
            }
            found = visible(reader, id);
        }
        return found;
    }

    /**
     * Ends every wait under way, and every one to come, at once: each is answered with the operation as it stands,
     * as at its deadline. Called when this instance drains: a wait outlasting the drain would be cut off unanswered
     * when the process exits (ADR 0038, amended in session 39).
     */
    public void endWaits() {
        waitsEnded.countDown();
    }

    @Override
    public boolean exists(OperationId id) {
        return operations.find(id).isPresent();
    }

    /**
     * The cursor is found among the operations the reader may see (never deleted, so one a page gave is always found):
     * another team's id, or one no operation has, is 404 {@code OPERATION_NOT_FOUND}, as the operation itself is.
     */
    @Override
    public KeysetPage<RecoveryOperation, OperationId> listOperations(AuditReader reader, ListOperationsQuery query) {
        Optional<RecoveryOperation> from = query.after().map(id -> operations.find(id)
                .filter(o -> reader.onlyTeam().map(o.team()::equals).orElse(true))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.OPERATION_NOT_FOUND, "operation " + id
                        + " (after) is no operation of this team's: list again from the start")));
        // One more than shown says whether another page follows (KeysetPage); read in the store's pages, so a limit of
        // MAX_PAGE reads MAX_PAGE, then the one more after the last of them.
        List<RecoveryOperation> read = new ArrayList<>();
        while (read.size() <= query.limit()) {
            int asked = Math.min(query.limit() + 1 - read.size(), RecoveryOperations.MAX_PAGE);
            List<RecoveryOperation> more = operations.newestFirst(reader.onlyTeam(), query.server(), query.state(), from,
                    asked);
            read.addAll(more);
            if (more.size() < asked) {
                break;
            }
            from = Optional.of(more.getLast());
        }
        return KeysetPage.of(read, query.limit(), RecoveryOperation::id);
    }

    @Override
    public OperationsInFlight listInFlight(AuditReader reader, int limit) {
        if (limit < 1 || limit >= RecoveryOperations.MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + (RecoveryOperations.MAX_PAGE - 1));
        }
        // One more than shown: whether the bound left any out.
        List<RecoveryOperation> read = operations.listNotFinal(reader.onlyTeam(), limit + 1);
        return new OperationsInFlight(read.subList(0, Math.min(limit, read.size())), read.size() > limit);
    }

    private RecoveryOperation visible(AuditReader reader, OperationId id) {
        return operations.find(id)
                .filter(o -> reader.onlyTeam().map(o.team()::equals).orElse(true))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.OPERATION_NOT_FOUND, "operation " + id + " not found"));
    }
}

package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.ChainWalk;

/**
 * Walks the stored chain, from the first event or from after a checkpoint (ADR 0046), in windows of rows, each read in
 * a read-only REPEATABLE READ snapshot of its own, the last one with the head (ADR 0005; ADR 0023, amended in session
 * 46).
 *
 * <p>Why windows: one snapshot held for the whole walk (half a minute at 10 M events) kept PostgreSQL from cleaning up
 * the versions of the head row that every append batch leaves, so every append slowed while it lasted. Why they join
 * into one walk: an append inserts its rows and moves the head in one transaction, after the head the one before it
 * committed, so every snapshot sees exactly the events up to the head it sees, a longer prefix of the same chain than
 * any before it; and stored rows never change. Each window goes on after the last row the one before read, the walk's
 * position and link carried over: an event missing or altered ahead of the walk is found when its window reads it,
 * as in one snapshot; the last window compares its rows with the head in its own snapshot. What one snapshot would
 * not have seen either, a row changed behind the walk after it was read, the next walk finds.
 *
 * <p>Hand-written JDBC on purpose (ADR 0030): each window is a server-side cursor (inside its transaction) over the
 * table, so the rows never sit in memory; a repository would load a list. Rows are read by column positions found
 * once per window ({@link Columns}, ADR 0049) and turned into events by {@link AuditEventRows}, the one mapping to the
 * domain.
 *
 * <p>One pass, two kinds of work: this thread reads the rows and checks each one's position and link
 * (cheap comparisons, in order); the costly part, mapping a row to its event and recomputing its hash,
 * needs the row alone, so chunks of rows are checked on other threads meanwhile. The earliest break of
 * either kind is the answer, exactly as a one-thread walk would find it.
 */
final class ChainVerifier {

    /** Rows per round trip: large, as the whole table streams through. */
    private static final int FETCH_SIZE = 10_000;
    /** Rows per content check handed to a worker. */
    static final int CHUNK = 4096;
    /**
     * Rows per snapshot: a fraction of a second of the walk (about 300,000 rows a second at 10 M events,
     * docs/benchmarks.md), so the horizon the appends' clean-up waits for moves on several times a second, for a
     * statement and a commit more every 50,000 rows.
     */
    static final int WINDOW = 50_000;

    /** What happens between two windows, on the walking thread, outside any snapshot: nothing but in a test. */
    @FunctionalInterface
    interface BetweenWindows {
        BetweenWindows NOTHING = (connection, walkedThrough) -> { };

        /** {@code walking}: the walk's connection; {@code walkedThrough}: the last sequence read. */
        void reached(Connection walking, long walkedThrough) throws SQLException;
    }

    private final DataSource dataSource;
    private final int chunkSize;
    private final int windowRows;
    /**
     * The next window: the rows after the last one read, in sequence order. The window's size written in, not bound:
     * a generic plan then knows how few rows it takes and keeps to the primary key's order, not a sort.
     */
    private final String windowSql;
    private final BetweenWindows betweenWindows;
    private final int workers;

    ChainVerifier(DataSource dataSource) {
        this(dataSource, CHUNK, WINDOW, BetweenWindows.NOTHING);
    }

    ChainVerifier(DataSource dataSource, int chunkSize, int windowRows, BetweenWindows betweenWindows) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        if (chunkSize < 1 || windowRows < 1) {
            throw new IllegalArgumentException("a chunk and a window hold at least one row");
        }
        this.chunkSize = chunkSize;
        this.windowRows = windowRows;
        this.windowSql = "SELECT * FROM audit_event WHERE sequence > ? ORDER BY sequence LIMIT " + windowRows;
        this.betweenWindows = Objects.requireNonNull(betweenWindows, "between windows");
        this.workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    ChainVerification verify() {
        return verify(new ChainWalk(), 0);
    }

    /** The events after {@code sequence}, taking {@code hash} as the one stored there. */
    ChainVerification verifyAfter(long sequence, ChainHash hash) {
        return verify(ChainWalk.after(sequence, hash), sequence);
    }

    private ChainVerification verify(ChainWalk walk, long after) {
        ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().daemon()
                .name("audit-chain-verify-", 0).factory());
        try {
            // A snapshot per window on one connection, and a cursor in each so no window need fit in memory.
            return ReadOnlySnapshot.readInTurns(dataSource, "could not verify the audit chain",
                    snapshots -> new Walking(walk, after, pool).through(snapshots));
        } finally {
            pool.shutdownNow();
        }
    }

    /** One walk's state, carried from window to window. */
    private final class Walking {
        private final ChainWalk walk;
        private final ExecutorService pool;
        private final Deque<Future<ContentCheck>> checks = new ArrayDeque<>();
        private List<AuditEventRow> chunk = new ArrayList<>(chunkSize);
        /** The last sequence read: the next window starts after it. */
        private long lastRead;
        private Optional<ChainVerification.Broken> positional = Optional.empty();
        /** An altered event a content check found while the walk read on. */
        private Optional<ChainVerification.Broken> altered = Optional.empty();
        /** The head as the last window's snapshot holds it. */
        private ChainHead head;
        /**
         * The first row holding a name of a later release's whose hash holds, and how many such rows were checked: the
         * walk goes on past them, as past any row whose hash holds; the verdict only when nothing else is broken.
         */
        private Optional<LaterRelease> later = Optional.empty();
        private long laterEvents;

        Walking(ChainWalk walk, long after, ExecutorService pool) {
            this.walk = walk;
            this.lastRead = after;
            this.pool = pool;
        }

        ChainVerification through(ReadOnlySnapshot.Snapshots snapshots) throws SQLException {
            while (!snapshots.next(this::window)) {
                betweenWindows.reached(snapshots.connection(), lastRead);
            }
            if (altered.isPresent()) {
                return altered.get();
            }
            if (!chunk.isEmpty()) {
                checks.add(pool.submit(contentCheck(chunk)));
            }
            // Every row before a positional break was checked for content: an altered one comes first.
            while (!checks.isEmpty()) {
                Optional<ChainVerification.Broken> found = taken(checks.removeFirst());
                if (found.isPresent()) {
                    return found.get();
                }
            }
            if (positional.isPresent()) {
                return positional.get();
            }
            ChainVerification finished = walk.finish(head.sequence(), head.hash());
            if (finished instanceof ChainVerification.Broken || later.isEmpty()) {
                return finished;
            }
            return ChainWalk.writtenByALaterRelease(later.get().sequence(), later.get().name(), laterEvents);
        }

        /** The chunk's altered event, if any; its rows of a later release's counted on the way. */
        private Optional<ChainVerification.Broken> taken(Future<ContentCheck> check) {
            ContentCheck checked = result(check);
            if (later.isEmpty()) {
                later = checked.firstLater();
            }
            laterEvents += checked.laterEvents();
            return checked.altered();
        }

        /**
         * Reads the next window; true when the walk needs no other: a break found, or the window was the last (fewer
         * rows than a window), the head then read in its snapshot.
         */
        private boolean window(Connection connection) throws SQLException {
            int rows = 0;
            try (PreparedStatement select = connection.prepareStatement(windowSql)) {
                select.setLong(1, lastRead);
                select.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = select.executeQuery()) {
                    Columns columns = new Columns(rs);
                    while (rs.next()) {
                        rows++;
                        if (!read(rs, columns)) {
                            return true;
                        }
                    }
                }
            }
            if (rows == windowRows) {
                return false;
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1");
                 ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the audit chain head row is missing");
                }
                head = new ChainHead(rs.getLong(1), ChainHash.of(rs.getBytes(2)));
            }
            return true;
        }

        /** Checks the row's position and link, hands it on for its content; false once the walk has its answer. */
        private boolean read(ResultSet rs, Columns columns) throws SQLException {
            long sequence = rs.getLong(columns.sequence);
            lastRead = sequence;
            AuditEventRow row;
            // A failure of the database itself is an SQLException here and is left to ReadOnlySnapshot ("try
            // later"); anything else the row's values throw means the row is no longer an event.
            try {
                row = columns.read(rs);
                positional = walk.link(sequence, ChainHash.of(row.previousHash()), ChainHash.of(row.hash()));
            } catch (RuntimeException e) {
                positional = Optional.of(walk.unreadable(sequence, notAnEvent(e)));
                return false;
            }
            if (positional.isPresent()) {
                // As a one-thread walk: a row that does not read as an event is reported as such first.
                try {
                    AuditEventRows.toRecorded(row);
                } catch (RuntimeException e) {
                    positional = Optional.of(walk.unreadable(sequence, notAnEvent(e)));
                }
                return false;
            }
            chunk.add(row);
            if (chunk.size() == chunkSize) {
                checks.add(pool.submit(contentCheck(chunk)));
                chunk = new ArrayList<>(chunkSize);
                // Bounded memory: at most two chunks a worker in flight.
                while (checks.size() > 2 * workers) {
                    altered = taken(checks.removeFirst());
                    if (altered.isPresent()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** A row holding {@code name}, of a later release's, whose hash holds. */
    private record LaterRelease(long sequence, String name) {
        LaterRelease {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A chunk's content check: its first altered row, if any (the rows after it unchecked), and, before it, the rows
     * holding a later release's names whose hashes hold: the first and their count.
     */
    private record ContentCheck(Optional<ChainVerification.Broken> altered, Optional<LaterRelease> firstLater,
                                long laterEvents) {
        ContentCheck {
            Objects.requireNonNull(altered, "altered");
            Objects.requireNonNull(firstLater, "first later");
            if (laterEvents < 0 || firstLater.isEmpty() != (laterEvents == 0)) {
                throw new IllegalArgumentException("a first later-release row exactly when some were counted");
            }
        }
    }

    /** Where the chain ends, as the last window read it. */
    private record ChainHead(long sequence, ChainHash hash) {
    }

    /**
     * The row as {@link AuditEventRow}, by column positions found once per walk. Micronaut Data's
     * {@code readEntity} derives every column name from its property again on each row, which was two
     * thirds of the reading thread's time in a JFR recording of the walk (ADR 0049); the walk reads
     * every row of the table, so it reads them itself. A value that does not fit the row's type
     * throws, and the walk reports the row as no longer an event, as before.
     */
    static final class Columns {
        final int sequence;
        private final int occurredAt;
        private final int team;
        private final int requestId;
        private final int operation;
        private final int serverId;
        private final int resourceType;
        private final int resourceId;
        private final int outcomeKind;
        private final int outcomeReason;
        private final int outcomeCause;
        private final int providerStatus;
        private final int detail;
        private final int previousHash;
        private final int hash;

        Columns(ResultSet rs) throws SQLException {
            sequence = rs.findColumn("sequence");
            occurredAt = rs.findColumn("occurred_at");
            team = rs.findColumn("team");
            requestId = rs.findColumn("request_id");
            operation = rs.findColumn("operation");
            serverId = rs.findColumn("server_id");
            resourceType = rs.findColumn("resource_type");
            resourceId = rs.findColumn("resource_id");
            outcomeKind = rs.findColumn("outcome_kind");
            outcomeReason = rs.findColumn("outcome_reason");
            outcomeCause = rs.findColumn("outcome_cause");
            providerStatus = rs.findColumn("provider_status");
            detail = rs.findColumn("detail");
            previousHash = rs.findColumn("previous_hash");
            hash = rs.findColumn("hash");
        }

        AuditEventRow read(ResultSet rs) throws SQLException {
            OffsetDateTime at = rs.getObject(occurredAt, OffsetDateTime.class);
            return new AuditEventRow(rs.getLong(sequence), at == null ? null : at.toInstant(), rs.getString(team),
                    rs.getString(requestId), rs.getString(operation), nullableLong(rs, serverId),
                    rs.getString(resourceType), nullableLong(rs, resourceId), rs.getString(outcomeKind),
                    rs.getString(outcomeReason), rs.getString(outcomeCause), nullableShort(rs, providerStatus),
                    rs.getString(detail), rs.getBytes(previousHash), rs.getBytes(hash));
        }

        private static Long nullableLong(ResultSet rs, int column) throws SQLException {
            long value = rs.getLong(column);
            return rs.wasNull() ? null : value;
        }

        private static Short nullableShort(ResultSet rs, int column) throws SQLException {
            short value = rs.getShort(column);
            return rs.wasNull() ? null : value;
        }
    }

    /**
     * The first row of the chunk whose content no longer hashes to its stored hash, if any; a row holding a name of a
     * later release's whose hash holds over its stored parts is checked like any other (the same check, on its parts
     * as stored) and counted, and the check goes on past it: editing one row into such a name and rehashing it must
     * not hide what is broken after it (ADR 0005, amended in session 48).
     */
    private static Callable<ContentCheck> contentCheck(List<AuditEventRow> chunk) {
        return () -> {
            Optional<LaterRelease> firstLater = Optional.empty();
            long laterEvents = 0;
            for (AuditEventRow row : chunk) {
                Optional<ChainVerification.Broken> broken;
                try {
                    broken = ChainWalk.content(row.sequence(), AuditEventRows.toRecorded(row).event(),
                            ChainHash.of(row.previousHash()), ChainHash.of(row.hash()));
                } catch (RuntimeException e) {
                    // The row is in memory, no database here: whatever it throws (a NULL a constraint no longer
                    // keeps out, a time beyond the encoding's range) makes it an altered event, not a failed walk;
                    // unless it holds a name of a later release's and its hash holds (ADR 0005, session 48).
                    Optional<String> name = AuditEventRows.laterReleasesName(row);
                    if (name.isPresent()) {
                        if (firstLater.isEmpty()) {
                            firstLater = Optional.of(new LaterRelease(row.sequence(), name.get()));
                        }
                        laterEvents++;
                        continue;
                    }
                    broken = Optional.of(ChainWalk.unreadableContent(row.sequence(), notAnEvent(e)));
                }
                if (broken.isPresent()) {
                    return new ContentCheck(broken, firstLater, laterEvents);
                }
            }
            return new ContentCheck(Optional.empty(), firstLater, laterEvents);
        };
    }

    /**
     * Why a row is not an event, for the walk's explanation. A missing value's exception carries only the value's
     * name (Objects.requireNonNull), so it is said to be missing; others say their message, or their kind.
     */
    static String notAnEvent(RuntimeException e) {
        if (e instanceof NullPointerException && e.getMessage() != null) {
            return "no " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static ContentCheck result(Future<ContentCheck> check) {
        try {
            return check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseFailure("interrupted while verifying the audit chain", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new DatabaseFailure("could not verify the audit chain", e.getCause());
        }
    }
}

package org.vpsrecovery.adapters.persistence.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The races a store holding a per-team limit on any number of instances must win (its team's advisory lock, then an
 * insert that counts the team's rows): the contract tests of the holds and the policies share them.
 */
public final class TeamLimitRaces {

    private static final Duration AT_MOST = Duration.ofSeconds(30);

    private TeamLimitRaces() {
    }

    /**
     * {@code contender}'s answer, asked while another instance's insert of the same team is under way: its transaction
     * holds the team's lock ({@code namespace}, {@code team}) and has inserted, not yet committed, by {@code insert}
     * with {@code parameters}. Committed only once the contender waits for the lock, or (counting without it) has
     * answered already.
     */
    public static <T> T answerWhileAnotherInstanceInserts(DataSource database, int namespace, String team, String insert,
                                                          List<?> parameters, Supplier<T> contender) throws Exception {
        CompletableFuture<T> answer;
        try (Connection other = database.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, namespace);
                lock.setString(2, team);
                lock.execute();
            }
            try (PreparedStatement inserted = other.prepareStatement(insert)) {
                for (int i = 0; i < parameters.size(); i++) {
                    inserted.setObject(i + 1, parameters.get(i));
                }
                assertThat(inserted.executeUpdate()).isOne();
            }
            answer = CompletableFuture.supplyAsync(contender);
            awaitWaitingForTheLockOr(database, answer);
            other.commit();
        }
        return answer.get();
    }

    /** How many of {@code attempts} attempts (numbered from 1), all begun at once, each on its own connection, passed. */
    public static long passedAtOnce(int attempts, IntPredicate attempt) {
        List<CompletableFuture<Boolean>> all = IntStream.rangeClosed(1, attempts)
                .mapToObj(n -> CompletableFuture.supplyAsync(() -> attempt.test(n))).toList();
        return all.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
    }

    /** Until an advisory lock is waited for in the database, or {@code answered} is done; bounded. */
    private static void awaitWaitingForTheLockOr(DataSource database, CompletableFuture<?> answered) throws Exception {
        long deadline = System.nanoTime() + AT_MOST.toNanos();
        try (Connection watcher = database.getConnection();
             PreparedStatement waiting = watcher.prepareStatement(
                     "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
            while (!answered.isDone() && System.nanoTime() < deadline) {
                try (ResultSet rs = waiting.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        if (!answered.isDone()) {
            throw new AssertionError("the contender neither waited for the team's lock nor answered within " + AT_MOST);
        }
    }
}

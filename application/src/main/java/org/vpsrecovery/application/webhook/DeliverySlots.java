package org.vpsrecovery.application.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;

/**
 * How many delivery attempts this instance makes at once: in all, to one host, and for one team. An attempt can hold
 * its thread for the whole connect and answer time; the threads are the cluster jobs' (tracking, restores, policy
 * runs...), so a receiver that never answers, or a team's twenty subscriptions to one, must not take them all; and one
 * team's slow receivers, however many hosts they are on, must not take every slot from the other teams. An attempt that
 * finds no slot is not made: it is tried again later ({@link #putOff}), not counted as a failure. Never waits.
 *
 * <p>Put-offs that pile up (refusals of one kind going on for {@code longestPutOff} and more) are logged as a WARN, at
 * most once per {@link #WARN_EVERY} for each host, team or cause, and counted by cause ({@link #putOffs}).
 */
public final class DeliverySlots {

    private static final System.Logger LOG = System.getLogger(DeliverySlots.class.getName());

    /** How often a run of put-offs that goes on is logged again. */
    static final Duration WARN_EVERY = Duration.ofMinutes(10);

    /** Why an attempt was put off. */
    public enum PutOffCause {
        /** Its host's slots were all taken. */
        HOST,
        /** Its team's share of the slots was taken. */
        TEAM,
        /** All of this instance's slots were taken. */
        INSTANCE,
        /** Its host's lookup waited behind other lookups and never began. */
        LOOKUP,
        /** Its team's earlier host lookups still ran (one of its names hangs), as many as the team may have at once. */
        TEAM_LOOKUPS
    }

    /** A slot taken; closing it gives it back. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** What a run of put-offs is counted by: the host's slots, the team's share, all of this instance's, the lookups. */
    private record Contended(PutOffCause cause, String name) {
        static final Contended ALL = new Contended(PutOffCause.INSTANCE, "");
        static final Contended LOOKUPS = new Contended(PutOffCause.LOOKUP, "");

        String describe() {
            return switch (cause) {
                case HOST -> "to host " + name + " (its slots stay taken)";
                case TEAM -> "of team " + name + " (its share of the slots stays taken by its own slow receivers)";
                case INSTANCE -> "on this instance (all its delivery slots stay taken)";
                case LOOKUP -> "whose host lookups waited behind others and never began (the delivery lookups hang)";
                case TEAM_LOOKUPS -> "of team " + name + " (its earlier host lookups still run: a name of its subscriptions "
                        + "hangs at the resolver)";
            };
        }
    }

    /** Since when a host's slots (or a team's share, ...) have refused attempts, when last, and when that was logged. */
    private record Contention(Instant since, Instant last, Instant warned) {
    }

    private final int inAll;
    private final int perHost;
    private final int perTeam;
    private final Duration shortestPutOff;
    private final Duration longestPutOff;
    private final Map<String, Integer> byHost = new HashMap<>();
    private final Map<TeamId, Integer> byTeam = new HashMap<>();
    private final Map<Contended, Contention> contended = new HashMap<>();
    private final Map<PutOffCause, Long> putOffs = new EnumMap<>(PutOffCause.class);
    private int taken;

    /**
     * {@code perTeam} below {@code inAll} keeps a slot for another team whatever one team's receivers do.
     * {@code shortestPutOff} is the put-off of an attempt that finds its host (or its team's share, or every slot) newly
     * busy; it grows with how long the refusals have gone on, to {@code longestPutOff}.
     */
    public DeliverySlots(int inAll, int perHost, int perTeam, Duration shortestPutOff, Duration longestPutOff) {
        if (inAll < 1 || perHost < 1 || perHost > inAll) {
            throw new IllegalArgumentException("slots in all and per host must be at least 1, per host at most in all");
        }
        if (perTeam < 1 || perTeam > inAll) {
            throw new IllegalArgumentException("slots per team must be at least 1 and at most in all");
        }
        if (shortestPutOff.isNegative() || shortestPutOff.isZero() || longestPutOff.compareTo(shortestPutOff) < 0) {
            throw new IllegalArgumentException("the shortest put-off must be positive and the longest at least as long");
        }
        this.inAll = inAll;
        this.perHost = perHost;
        this.perTeam = perTeam;
        this.shortestPutOff = shortestPutOff;
        this.longestPutOff = Objects.requireNonNull(longestPutOff, "longest put-off");
    }

    /** How many attempts one team may make at once: its share of the slots. */
    public int perTeam() {
        return perTeam;
    }

    /**
     * A slot for an attempt of {@code team} to {@code host}, or empty when all of this instance's, that host's or that
     * team's share are taken.
     */
    public synchronized Optional<Slot> tryTake(TeamId team, String host) {
        Objects.requireNonNull(team, "team");
        String key = host.toLowerCase(Locale.ROOT);
        int hostTaken = byHost.getOrDefault(key, 0);
        int teamTaken = byTeam.getOrDefault(team, 0);
        if (taken >= inAll || hostTaken >= perHost || teamTaken >= perTeam) {
            return Optional.empty();
        }
        taken++;
        byHost.put(key, hostTaken + 1);
        byTeam.put(team, teamTaken + 1);
        return Optional.of(new Slot() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (DeliverySlots.this) {
                    if (!closed) {
                        closed = true;
                        taken--;
                        byHost.merge(key, -1, (a, b) -> a + b == 0 ? null : a + b);
                        byTeam.merge(team, -1, (a, b) -> a + b == 0 ? null : a + b);
                    }
                }
            }
        });
    }

    /**
     * How long to put off an attempt of {@code team} to {@code host} that found no slot at {@code now}: as long as what
     * refused it has been refusing attempts without a pause of {@code longestPutOff}, between the shortest and the
     * longest put-off. What refused it is its host's slots when they are all taken, else its team's share when that is,
     * else all of this instance's slots. A backlog to one slow host (or of one team) then costs each of its deliveries
     * an execution every {@code longestPutOff} or so, not every {@code shortestPutOff}; once the refusals stop, the next
     * ones start short again.
     */
    public synchronized Duration putOff(TeamId team, String host, Instant now) {
        String hostKey = host.toLowerCase(Locale.ROOT);
        Contended key = byHost.getOrDefault(hostKey, 0) >= perHost ? new Contended(PutOffCause.HOST, hostKey)
                : byTeam.getOrDefault(team, 0) >= perTeam ? new Contended(PutOffCause.TEAM, team.value()) : Contended.ALL;
        return putOff(key, now);
    }

    /**
     * How long to put off an attempt whose host's lookup waited behind others and never began, at {@code now}: as
     * {@link #putOff(TeamId, String, Instant)}, counted by the lookups' own run of refusals.
     */
    public synchronized Duration putOffForLookups(Instant now) {
        return putOff(Contended.LOOKUPS, now);
    }

    /**
     * How long to put off an attempt of {@code team} whose lookup was not begun because the team's earlier lookups still
     * ran, at {@code now}: as {@link #putOff(TeamId, String, Instant)}, counted by that team's run of such refusals.
     */
    public synchronized Duration putOffForTeamLookups(TeamId team, Instant now) {
        return putOff(new Contended(PutOffCause.TEAM_LOOKUPS, team.value()), now);
    }

    /** How many attempts this instance put off for {@code cause} since it started. */
    public synchronized long putOffs(PutOffCause cause) {
        return putOffs.getOrDefault(cause, 0L);
    }

    private Duration putOff(Contended key, Instant now) {
        putOffs.merge(key.cause(), 1L, Long::sum);
        // Contentions that ended are forgotten: hosts and teams come and go with subscriptions.
        contended.values().removeIf(c -> Duration.between(c.last(), now).compareTo(longestPutOff) > 0);
        Contention contention = contended.merge(key, new Contention(now, now, null),
                (was, refused) -> new Contention(was.since(), now, was.warned()));
        Duration busy = Duration.between(contention.since(), now);
        if (busy.compareTo(longestPutOff) >= 0
                && (contention.warned() == null || Duration.between(contention.warned(), now).compareTo(WARN_EVERY) >= 0)) {
            // Piling up: each such delivery is tried again about every longest put-off, and ends dead once put off for
            // longer than its retries may take (DeliverWebhooksService).
            LOG.log(System.Logger.Level.WARNING, "webhook attempts {0} have been put off for {1} s; each is tried again "
                    + "about every {2} s, and one put off for longer than its retries may take ends dead",
                    key.describe(), busy.toSeconds(), longestPutOff.toSeconds());
            contended.put(key, new Contention(contention.since(), now, now));
        }
        return busy.compareTo(shortestPutOff) < 0 ? shortestPutOff : busy.compareTo(longestPutOff) > 0 ? longestPutOff : busy;
    }
}

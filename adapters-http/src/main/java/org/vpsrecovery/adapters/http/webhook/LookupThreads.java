package org.vpsrecovery.adapters.http.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;

/**
 * A few threads that wait on the system resolver for us, so that our wait can end: the resolver has no time limit of its
 * own, and a lookup cannot be interrupted. A lookup still running after its caller's time is left to end on its thread,
 * and the threads are few, so what runs on them is counted (ADR 0025, session 39):
 *
 * <ul>
 *   <li>by name: a name already being looked up is not looked up again; its callers share the one lookup, so one slow
 *       name holds one thread, however many subscriptions and teams name it;</li>
 *   <li>by team: a team has at most {@code perTeam} lookups running at once, counting those past their time until the
 *       resolver returns; beyond that its lookup is not begun ({@link WebhookTransport.TeamLookupsStillRunning}), at once
 *       or, where the caller may wait, once the lookup's time is up. A team's hanging names then hold at most
 *       {@code perTeam} threads, and the other teams keep the rest.</li>
 * </ul>
 *
 * <p>A lookup that waited its whole time for a thread and never began is {@link WebhookTransport.LookupNotStarted}; so it
 * is, for those sharing it, when the caller that started it is interrupted before it began.
 */
final class LookupThreads implements AutoCloseable {

    /** One lookup of a name: claimed by whichever comes first, its beginning or its owner's wait giving up on it. */
    private static final class Lookup {
        final String name;
        final String host;
        final TeamId team;
        final long deadline;
        final AtomicBoolean claimed = new AtomicBoolean();
        final CompletableFuture<InetAddress[]> answer = new CompletableFuture<>();
        volatile boolean began;
        boolean counted = true;

        Lookup(String name, String host, TeamId team, long deadline) {
            this.name = name;
            this.host = host;
            this.team = team;
            this.deadline = deadline;
        }
    }

    private final ExecutorService threads;
    private final long limitNanos;
    private final int perTeam;
    private final boolean waitsForTeamsTurn;
    private final Map<String, Lookup> byName = new HashMap<>();
    private final Map<TeamId, Integer> byTeam = new HashMap<>();

    /**
     * {@code threads} threads named {@code name}; each lookup's answer is awaited at most {@code limit}. A team's lookup
     * beyond its {@code perTeam} is refused at once, or when {@code waitsForTeamsTurn}, waits for the team's turn within
     * that same limit.
     */
    LookupThreads(String name, int threads, Duration limit, int perTeam, boolean waitsForTeamsTurn) {
        if (threads < 1 || perTeam < 1) {
            throw new IllegalArgumentException("threads and lookups per team must be at least 1");
        }
        this.threads = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name(name, 0).factory());
        this.limitNanos = Objects.requireNonNull(limit, "limit").toNanos();
        this.perTeam = perTeam;
        this.waitsForTeamsTurn = waitsForTeamsTurn;
    }

    /** The host's addresses, looked up for {@code team}, within the limit. */
    InetAddress[] lookUp(TeamId team, String host) throws UnknownHostException {
        Objects.requireNonNull(team, "team");
        long deadline = System.nanoTime() + limitNanos;
        String name = host.toLowerCase(Locale.ROOT);
        Lookup lookup;
        boolean ours;
        synchronized (this) {
            while (true) {
                Lookup running = byName.get(name);
                if (running != null) {
                    // Shared, and not counted against this team: it takes no thread.
                    lookup = running;
                    ours = false;
                    break;
                }
                int teams = byTeam.getOrDefault(team, 0);
                if (teams < perTeam) {
                    lookup = new Lookup(name, host, team, deadline);
                    byName.put(name, lookup);
                    byTeam.put(team, teams + 1);
                    ours = true;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (!waitsForTeamsTurn || left <= 0) {
                    throw new WebhookTransport.TeamLookupsStillRunning(team, "the lookup of " + host + " was not begun: "
                            + "team " + team.value() + "'s earlier host lookups still run (" + perTeam + " at most at "
                            + "once, those past their time counted until the resolver answers)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    // A stop, not an answer: put off, never a failed attempt against a receiver nobody looked up.
                    Thread.currentThread().interrupt();
                    throw new WebhookTransport.LookupNotStarted("interrupted while waiting to look the host up");
                }
            }
        }
        if (ours) {
            try {
                threads.execute(() -> run(lookup));
            } catch (RejectedExecutionException closed) {
                giveUp(lookup, new UnknownHostException("the webhook transport is closed"));
                throw new UnknownHostException("the webhook transport is closed");
            }
        }
        return await(lookup, ours, deadline);
    }

    private void run(Lookup lookup) {
        if (!lookup.claimed.compareAndSet(false, true)) {
            return; // its owner gave up before it began, and released it
        }
        lookup.began = true;
        InetAddress[] addresses = null;
        Throwable failed = null;
        try {
            addresses = InetAddress.getAllByName(lookup.host);
        } catch (Throwable e) {
            failed = e;
        }
        // Given back before its callers hear: a caller going on to its connection's lookup finds its team's count free.
        release(lookup);
        if (failed == null) {
            lookup.answer.complete(addresses);
        } else {
            lookup.answer.completeExceptionally(failed);
        }
    }

    /** The answer within this caller's {@code deadline}: a lookup shared with an earlier caller may be past its own. */
    private InetAddress[] await(Lookup lookup, boolean ours, long deadline) throws UnknownHostException {
        long limitMillis = TimeUnit.NANOSECONDS.toMillis(limitNanos);
        try {
            return lookup.answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            if (e.getCause() instanceof WebhookTransport.LookupNotStarted notStarted) {
                throw notStarted; // the owner of a shared lookup gave up on it before it began
            }
            throw new UnknownHostException("the lookup failed (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (TimeoutException e) {
            WebhookTransport.LookupNotStarted notStarted = new WebhookTransport.LookupNotStarted("the lookup waited "
                    + limitMillis + " ms behind others and never began");
            if (ours ? giveUp(lookup, notStarted) : !lookup.began) {
                throw notStarted;
            }
            throw new UnknownHostException("no lookup answer within " + limitMillis + " ms");
        } catch (InterruptedException e) {
            if (ours) {
                // Only this caller is stopped: those sharing the lookup are told it never began, not that the name
                // does not resolve (that would count a failed attempt against a receiver nobody looked up).
                giveUp(lookup, new WebhookTransport.LookupNotStarted("the lookup never began: the caller that "
                        + "started it was interrupted while it waited behind others"));
            }
            Thread.currentThread().interrupt();
            // This caller too is put off, not refused: the name was not found unresolvable.
            throw new WebhookTransport.LookupNotStarted("interrupted while waiting for the host's lookup");
        }
    }

    /** Ends a lookup that has not begun, with {@code why} for those sharing it; false when it had begun already. */
    private boolean giveUp(Lookup lookup, Exception why) {
        if (!lookup.claimed.compareAndSet(false, true)) {
            return false;
        }
        release(lookup);
        lookup.answer.completeExceptionally(why);
        return true;
    }

    private synchronized void release(Lookup lookup) {
        if (lookup.counted) {
            lookup.counted = false;
            byName.remove(lookup.name, lookup);
            byTeam.merge(lookup.team, -1, (a, b) -> a + b == 0 ? null : a + b);
            notifyAll();
        }
    }

    /** Lookups still running after their caller's time ran out: each holds a thread until the resolver answers. */
    synchronized int runningPastTheirTime() {
        long now = System.nanoTime();
        return (int) byName.values().stream().filter(lookup -> now - lookup.deadline > 0).count();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}

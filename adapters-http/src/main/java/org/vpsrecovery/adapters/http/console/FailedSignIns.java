package org.vpsrecovery.adapters.http.console;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.clhm.ConcurrentLinkedHashMap;
import io.micronaut.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.session.SignInSessionsUseCase;
import org.vpsrecovery.domain.port.SharedAllowances;

/**
 * The console's failed sign-ins, throttled and logged (ADR 0041, amended in session 50). Each attempt takes one token
 * from its client address's Bucket4j bucket; a sign-in that succeeds (or that the identity provider's outage kept from
 * being checked) gives it back, so only failures count. An attempt finding the bucket taken by attempts still under way
 * waits for them ({@link InFlight}, session 56) rather than being refused, twice its allowance at most (at most
 * {@link #MOST_WAITING}), more refused 429 at once. With the address's bucket empty and none
 * under way the attempt is answered 429
 * with Retry-After before its token is checked, whatever the token: answering a right one would let guessing go on at
 * full speed from that address. The allowance of every address together is spent by failures only, after the check:
 * past it a failure is answered 429 rather than 401, but a right token still signs in, so a flood from many addresses
 * cannot keep every person out (the own-merge review's finding). Each address's failures are logged at WARN at most once
 * per interval, with how many went unlogged, never the token nor any part of it; and at most {@link #LINES_PER_INTERVAL}
 * such lines per interval in all, however many addresses a flood comes from, the lines left out counted in the next.
 *
 * <pre>
 * vpsr.console.sign-in.failures-per-address=10   (failed sign-ins an address may make per interval)
 * vpsr.console.sign-in.failures-overall=100      (failed sign-ins of every address together per interval)
 * vpsr.console.sign-in.failure-interval=1m       (over which both refill, evenly; and the log's interval per address)
 * vpsr.console.sign-in.tracked-addresses=10000   (addresses remembered; the least recently seen is forgotten first)
 * vpsr.console.sign-in.shared-calls-at-once=2     (sign-ins waiting on the shared allowances at once: 1 to the pool less 1)
 * vpsr.console.sign-in.client-address=peer       (peer: the connection's; x-forwarded-for: see {@link ForwardedHeaders})
 * vpsr.console.sign-in.trusted-proxies=127.0.0.0/8,::1 (the balancers whose forwarded headers are believed)
 * </pre>
 * Addresses are kept in a map bounded by {@code tracked-addresses} (Micronaut core's ConcurrentLinkedHashMap, a
 * least-recently-used bound): addresses made up by the thousand evict each other, and the overall bucket still holds.
 * An IPv6 address counts by its /64, which one client commonly holds whole.
 *
 * <p>With {@link SharedAllowances} (PostgreSQL in the service) the per-address and overall allowances are shared by every
 * instance: N instances behind a balancer allowed N times as many failures (ADR 0041, amended in session 51). An
 * attempt takes its share of its address's shared allowance only if that is stored already: an address that never failed
 * is stored by its first failure, not by trying (session 52), so right tokens from many addresses write nothing. This
 * instance's own bucket of the address is still taken from first, and an empty one refuses without asking the shared
 * store: each shared call is a database transaction on the main pool waiting on its row's lock, which an address already
 * refused must not cost. At most {@code shared-calls-at-once} shared calls run at once; an attempt beyond them, or one
 * the shared store failed, is counted in this instance's own buckets alone (the behaviour before), said at WARN at most
 * once per interval: a flood of sign-ins cannot take the pool from the API and the jobs, a database out of reach neither
 * locks every person out nor answers 500, and guessing stays bounded at each instance's allowance. The log's bookkeeping
 * stays each instance's own.
 */
@Context
@Requires(beans = SignInSessionsUseCase.class)
public class FailedSignIns {

    private static final Logger LOG = LoggerFactory.getLogger(FailedSignIns.class);
    static final String PREFIX = "vpsr.console.sign-in.";
    /** WARN lines of every address together per interval: a flood from many addresses must not fill the log. */
    static final long LINES_PER_INTERVAL = 100;
    /** Sign-in calls to the shared store at once, by default: the main pool (16) is the API's and the jobs' (ADR 0023). */
    static final int SHARED_CALLS_AT_ONCE = 2;

    /**
     * An address's failures: its bucket, when it was last logged, how many failures since went unlogged, and the shares
     * of its shared allowance this instance owes back.
     */
    private record Address(Bucket failures, AtomicReference<Instant> lastLogged, AtomicInteger unlogged, Owed owed,
                           InFlight inFlight) {
    }

    /** How long an attempt waits for its address's attempts under way to end before it is refused 429. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(10);
    /** The most attempts of one address waiting at once, however large its allowance (twice it, below that). */
    static final int MOST_WAITING = 100;

    /**
     * An address's attempts admitted and not yet settled, each holding one of its bucket's tokens (ADR 0041, amended in
     * session 56). An attempt finding the bucket empty while some are under way waits for them, rather than being
     * refused: they are not failures, and most give their token back. So concurrent right tokens from one address
     * (a NAT, a balancer as the peer) all sign in, while concurrent wrong ones still reach the token check at most
     * {@code failures-per-address} at a time: each waits until one before it is settled, a failure keeping its token.
     * At most {@code mostWaiting} wait; one more is refused at once: each waiting attempt holds a request and its
     * connection for up to {@link #IN_FLIGHT_WAIT}, and one address must not park them without bound. A lock and its
     * condition, not a monitor: a virtual thread waiting on a monitor pins its carrier on JDK 21-23.
     */
    static final class InFlight {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition settled = lock.newCondition();
        private final int mostWaiting;
        private int count;
        private int waiting;

        InFlight(int mostWaiting) {
            this.mostWaiting = mostWaiting;
        }

        /**
         * Takes a token, waiting while attempts under way may give theirs back; false: refused (none under way,
         * {@code mostWaiting} waiting already, or none given back in time).
         */
        boolean enter(Bucket failures, Duration atMost) {
            long left = atMost.toNanos();
            lock.lock();
            try {
                while (!failures.tryConsume(1)) {
                    if (count == 0 || left <= 0 || waiting >= mostWaiting) {
                        return false;
                    }
                    waiting++;
                    try {
                        left = settled.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    } finally {
                        waiting--;
                    }
                }
                count++;
                return true;
            } finally {
                lock.unlock();
            }
        }

        /**
         * The attempt is settled (its token given back first, if it did not fail): one waiting attempt looks again (a
         * token given back is one attempt's); with none under way, every one does, to be refused.
         */
        void leave() {
            lock.lock();
            try {
                count--;
                if (count == 0) {
                    settled.signalAll();
                } else {
                    settled.signal();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Attempts waiting for those under way (for tests). */
        int waiting() {
            lock.lock();
            try {
                return waiting;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Shares of an address's shared allowance still taken for attempts that did not fail, whose give-back found no free
     * shared call or a store out of reach (session 52; they were lost). The address's next attempt here uses one instead
     * of taking another. Dropped an interval after the last: the shared allowance has refilled them by then.
     */
    static final class Owed {
        private int shares;
        private Instant last = Instant.MIN;

        /** At most {@code cap}: more owed than an address may fail would be spent here unseen by other instances. */
        synchronized void add(Instant now, long cap) {
            shares = (int) Math.min(shares + 1L, cap);
            last = now;
        }

        synchronized boolean use(Instant now, Duration interval) {
            if (shares > 0 && !now.isBefore(last.plus(interval))) {
                shares = 0;
            }
            if (shares == 0) {
                return false;
            }
            shares--;
            return true;
        }
    }

    /**
     * Where an attempt counts besides this instance's own bucket: SHARED, its share taken from the address's stored
     * shared allowance (given back there if it did not fail); UNSTORED, the address has none stored (never failed, or
     * refilled and deleted), so nothing was taken and only a failure stores it; OWN, the shared store not asked.
     */
    private enum Store { SHARED, UNSTORED, OWN }

    /** One attempt's reservation: given back when the attempt did not fail. */
    public static final class Attempt {
        private final String address;
        private final Address state;
        private final Store store;
        private boolean settled;

        private Attempt(String address, Address state, Store store) {
            this.address = address;
            this.state = state;
            this.store = store;
        }

        /** The client address the attempt counts against (an IP, or an IPv6 /64), for the log. */
        String address() {
            return address;
        }
    }

    /** Either the attempt, admitted, or how long until its address (or every address) may try again. */
    public record Admission(Optional<Attempt> attempt, Duration retryAfter) {
    }

    /** A failure told to wait: how long, and whether every address's allowance (rather than its own) is spent. */
    public record Refusal(Duration retryAfter, boolean everyAddress) {
    }

    static final String SHARED_ADDRESS = "sign-in-failures:address:";
    static final String SHARED_OVERALL = "sign-in-failures:overall";

    private final long perAddress;
    private final int mostWaiting;
    private final long overallAllowance;
    private final Duration interval;
    private final SharedAllowances shared;
    private final AtomicReference<Instant> sharedFailureLogged = new AtomicReference<>(Instant.MIN);
    private final int sharedCallsAtOnce;
    private final Semaphore sharedCalls;
    private final ForwardedHeaders forwarded;
    private final Bucket overall;
    private final Bucket lines;
    private final AtomicInteger linesLeftOut = new AtomicInteger();
    private final ConcurrentLinkedHashMap<String, Address> addresses;
    private final Clock clock;

    public FailedSignIns(@Value("${" + PREFIX + "failures-per-address:10}") long perAddress,
                         @Value("${" + PREFIX + "failures-overall:100}") long overall,
                         @Value("${" + PREFIX + "failure-interval:1m}") Duration interval,
                         @Value("${" + PREFIX + "tracked-addresses:10000}") int trackedAddresses,
                         @Nullable @Property(name = PREFIX + "shared-calls-at-once") Integer sharedCallsAtOnce,
                         @Value("${datasources.default.maximum-pool-size:10}") int poolSize,
                         ForwardedHeaders forwarded, @Nullable SharedAllowances shared, Clock clock) {
        if (perAddress < 1 || perAddress > 1_000_000) {
            throw new IllegalArgumentException(PREFIX + "failures-per-address must be 1-1000000, was " + perAddress);
        }
        if (overall < perAddress || overall > 100_000_000) {
            throw new IllegalArgumentException(PREFIX + "failures-overall must be at least failures-per-address ("
                    + perAddress + ") and at most 100000000, was " + overall);
        }
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(PREFIX + "failure-interval must be 1s-24h, was " + interval);
        }
        if (trackedAddresses < 1 || trackedAddresses > 1_000_000) {
            throw new IllegalArgumentException(PREFIX + "tracked-addresses must be 1-1000000, was " + trackedAddresses);
        }
        // Each waits with one of the main pool's connections: all of them would starve the API and the jobs. Unset, a
        // tiny pool (a trial) still starts.
        if (sharedCallsAtOnce != null && (sharedCallsAtOnce < 1 || sharedCallsAtOnce >= poolSize)) {
            throw new IllegalArgumentException(PREFIX + "shared-calls-at-once must be 1 to datasources.default."
                    + "maximum-pool-size (" + poolSize + ") less one, was " + sharedCallsAtOnce);
        }
        this.sharedCallsAtOnce = sharedCallsAtOnce != null ? sharedCallsAtOnce
                : Math.max(1, Math.min(SHARED_CALLS_AT_ONCE, poolSize - 1));
        this.sharedCalls = new Semaphore(this.sharedCallsAtOnce);
        this.perAddress = perAddress;
        // Twice the allowance: as many right tokens again as may be under way wait for them.
        this.mostWaiting = (int) Math.min(2 * perAddress, MOST_WAITING);
        this.overallAllowance = overall;
        this.interval = interval;
        this.shared = shared;
        this.forwarded = forwarded;
        this.overall = bucket(overall, interval);
        this.lines = bucket(LINES_PER_INTERVAL, interval);
        this.addresses = new ConcurrentLinkedHashMap.Builder<String, Address>()
                .maximumWeightedCapacity(trackedAddresses).build();
        this.clock = clock;
    }

    private static Bucket bucket(long capacity, Duration interval) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, interval).build())
                .build();
    }

    /** Takes this attempt out of its address's allowance, or says how long until there is one. */
    public Admission admit(HttpRequest<?> request) {
        String address = clientAddress(request);
        Address state = addresses.get(address);
        if (state == null) {
            Address fresh = new Address(bucket(perAddress, interval), new AtomicReference<>(), new AtomicInteger(),
                    new Owed(), new InFlight(mostWaiting));
            state = Optional.ofNullable(addresses.putIfAbsent(address, fresh)).orElse(fresh);
        }
        // Refused by recorded failures only: an empty bucket with attempts under way waits for them (session 56).
        if (!state.inFlight().enter(state.failures(), IN_FLIGHT_WAIT)) {
            logged(address, state, "throttled");
            long refill = state.failures().estimateAbilityToConsume(1).getNanosToWaitForRefill();
            return new Admission(Optional.empty(), refill > 0 ? Duration.ofNanos(refill) : Duration.ofSeconds(1));
        }
        if (shared != null && state.owed().use(clock.instant(), interval)) {
            return new Admission(Optional.of(new Attempt(address, state, Store.SHARED)), Duration.ZERO);
        }
        // Only an allowance already stored is taken from (and so written): every address that tried used to be stored.
        SharedAllowances.IfKept sharedShare = fromShared(
                () -> shared.takeIfKept(SHARED_ADDRESS + address, perAddress, interval));
        if (sharedShare == null) {
            return new Admission(Optional.of(new Attempt(address, state, Store.OWN)), Duration.ZERO);
        }
        if (sharedShare.retryAfter().isPresent()) {
            state.failures().addTokens(1);
            state.inFlight().leave();
            logged(address, state, "throttled");
            return new Admission(Optional.empty(), sharedShare.retryAfter().get());
        }
        return new Admission(Optional.of(new Attempt(address, state, sharedShare.kept() ? Store.SHARED : Store.UNSTORED)),
                Duration.ZERO);
    }

    /**
     * The shared store's answer, or null when there is none here, {@code shared-calls-at-once} calls are under way
     * already, or it failed: then this instance's own buckets count, said at WARN at most once per interval, without
     * any attempt's address or token.
     */
    private <T> T fromShared(java.util.function.Supplier<T> call) {
        if (shared == null) {
            return null;
        }
        if (!sharedCalls.tryAcquire()) {
            countedAlone(sharedCallsAtOnce + " sign-ins were already waiting on the shared allowances (" + PREFIX
                    + "shared-calls-at-once)");
            return null;
        }
        try {
            return call.get();
        } catch (RuntimeException e) {
            countedAlone("the shared allowances could not be reached (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
            return null;
        } finally {
            sharedCalls.release();
        }
    }

    private void countedAlone(String why) {
        Instant now = clock.instant();
        Instant last = sharedFailureLogged.get();
        if (!now.isBefore(last.plus(interval)) && sharedFailureLogged.compareAndSet(last, now)) {
            LOG.warn("console sign-in failures are counted by this instance alone for now: {}", why);
        }
    }

    /**
     * The attempt signed in, or could not be checked (the identity provider out of reach): it takes nothing. A shared
     * share that cannot be given back now (the store busy or out of reach) is owed: the address's next attempt here uses
     * it (it was lost, the address's allowance short until it refilled).
     */
    public void notFailed(Attempt attempt) {
        if (!settle(attempt)) {
            return;
        }
        attempt.state.failures().addTokens(1);
        attempt.state.inFlight().leave();
        if (attempt.store == Store.SHARED && fromShared(() -> {
            shared.giveBack(SHARED_ADDRESS + attempt.address, perAddress, interval);
            return Boolean.TRUE;
        }) == null) {
            attempt.state.owed().add(clock.instant(), perAddress);
        }
    }

    /**
     * The attempt's token was refused; {@code why} is the refusal's own words, which never quote the token. Counted in
     * the allowance of every address together, and in its address's shared one if the attempt took nothing from it
     * (none stored yet): past either, how long until it refills (answered 429, not 401).
     */
    public Optional<Refusal> failed(Attempt attempt, String why) {
        if (!settle(attempt)) {
            return Optional.empty();
        }
        // Its token stays taken: an attempt waiting for it finds the bucket as the failure left it.
        attempt.state.inFlight().leave();
        Optional<Duration> addressWait = Optional.empty();
        if (attempt.store == Store.UNSTORED) {
            // Stored now, by its first failure; attempts at once at other instances may have spent it meanwhile.
            addressWait = Optional.ofNullable(fromShared(
                    () -> shared.take(SHARED_ADDRESS + attempt.address, perAddress, interval))).flatMap(w -> w);
        }
        Optional<Duration> sharedWait = fromShared(() -> shared.take(SHARED_OVERALL, overallAllowance, interval));
        Optional<Duration> wait;
        if (sharedWait != null) {
            wait = sharedWait;
        } else {
            ConsumptionProbe everyone = overall.tryConsumeAndReturnRemaining(1);
            wait = everyone.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(everyone.getNanosToWaitForRefill()));
        }
        if (addressWait.isPresent()) {
            logged(attempt.address, attempt.state, why + "; its failed sign-ins at every instance reached " + PREFIX
                    + "failures-per-address");
            return Optional.of(new Refusal(addressWait.get(), false));
        }
        if (wait.isEmpty()) {
            logged(attempt.address, attempt.state, why);
            return Optional.empty();
        }
        logged(attempt.address, attempt.state, why + "; every address's failed sign-ins reached " + PREFIX
                + "failures-overall");
        return Optional.of(new Refusal(wait.get(), true));
    }

    /** Attempts of the request's address waiting for those under way (for tests). */
    int waiting(HttpRequest<?> request) {
        Address state = addresses.get(clientAddress(request));
        return state == null ? 0 : state.inFlight().waiting();
    }

    /**
     * The attempt ended without its token being judged (the check itself threw): counted as a failure, as before, but no
     * longer under way, so the address's waiting attempts are not held by it.
     */
    public void ended(Attempt attempt) {
        if (settle(attempt)) {
            attempt.state.inFlight().leave();
        }
    }

    private static boolean settle(Attempt attempt) {
        synchronized (attempt) {
            boolean first = !attempt.settled;
            attempt.settled = true;
            return first;
        }
    }

    /** At most one line per address per interval, saying how many were left out since the last. */
    private void logged(String address, Address state, String why) {
        Instant now = clock.instant();
        Instant last = state.lastLogged().get();
        if (last != null && now.isBefore(last.plus(interval))) {
            state.unlogged().incrementAndGet();
            return;
        }
        if (!state.lastLogged().compareAndSet(last, now)) {
            state.unlogged().incrementAndGet();
            return;
        }
        int since = state.unlogged().getAndSet(0);
        if (!lines.tryConsume(1)) {
            linesLeftOut.incrementAndGet();
            return;
        }
        int leftOut = linesLeftOut.getAndSet(0);
        LOG.warn("console sign-in from {} refused: {}; {} more refused from it since its last line (at most one line per "
                + "address per {}){}", address, why, since, interval.toString().substring(2).toLowerCase(java.util.Locale.ROOT),
                leftOut == 0 ? "" : "; " + leftOut + " other addresses' lines left out before this one (at most "
                        + LINES_PER_INTERVAL + " lines in all per interval)");
    }

    /**
     * The connection's peer, or with {@code client-address=x-forwarded-for} and the peer a trusted proxy the rightmost
     * X-Forwarded-For entry that is no trusted proxy: the one the balancer in front appended ({@code
     * $proxy_add_x_forwarded_for}), which a client cannot choose ({@link ForwardedHeaders}; values never looked up). An
     * IPv6 address is cut to its /64.
     */
    String clientAddress(HttpRequest<?> request) {
        Optional<InetAddress> client = forwarded.forwardedFor(request);
        if (client.isPresent()) {
            return key(client.get());
        }
        InetSocketAddress peer = request.getRemoteAddress();
        return peer == null || peer.getAddress() == null ? "unknown" : key(peer.getAddress());
    }

    private static String key(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            byte[] prefix = Arrays.copyOf(bytes, 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are an IPv6 address", e);
            }
        }
        return address.getHostAddress();
    }
}

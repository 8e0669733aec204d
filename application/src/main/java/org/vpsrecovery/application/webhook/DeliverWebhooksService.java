package org.vpsrecovery.application.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookSignature;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Sends the outbox's deliveries. The scheduler decides when (first try, backoff, giving up);
 * this service does one attempt at a time: the SSRF guard again, the Standard Webhooks headers, the
 * POST, and the attempt written to the delivery log.
 */
public final class DeliverWebhooksService {

    public static final String USER_AGENT = "vps-recovery-webhooks/1";

    /**
     * How an attempt went; {@link #FAILED} asks the scheduler for another, {@link #NO_SLOT} for the same one again
     * later: no attempt was made, since this instance's, the host's or the team's {@link DeliverySlots} were all taken, or its
     * lookup never began ({@link WebhookTransport.LookupNotStarted}; {@link WebhookTransport.TeamLookupsStillRunning} when
     * the team's own earlier lookups still ran). {@link #PUT_OFF_TOO_LONG}: no attempt was made
     * either, and the delivery had been put off for longer than the put-off limit: it is dead now, its log says why.
     */
    public enum Attempt { DELIVERED, FAILED, NOTHING_TO_DO, NO_SLOT, PUT_OFF_TOO_LONG }

    /**
     * Why a delivery ended dead: its receiver failed every attempt; the platform's own errors used its retries up; it was
     * put off too long; or the sweep found it dropped by the scheduler. Only the first is the receiver's doing, and only
     * its log keeps the last attempt's error alone (ADR 0025, session 49).
     */
    public enum DeadCause { RECEIVER_FAILED, PLATFORM_ERRORS, PUT_OFF_TOO_LONG, DROPPED_BY_THE_SCHEDULER }

    /**
     * How long a removed subscription's rows stay before the purge takes them: far longer than an audit append that
     * read the subscriptions before the removal can take, so the purge's delete of the row never makes one wait.
     */
    public static final Duration REMOVED_KEPT_FOR = Duration.ofMinutes(1);

    /** An attempt's result, and for {@link Attempt#NO_SLOT} how long to put it off ({@link DeliverySlots#putOff}). */
    public record Outcome(Attempt attempt, Duration putOff, Optional<Receiver> receiver) {
        public Outcome {
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(putOff, "put-off");
            Objects.requireNonNull(receiver, "receiver");
        }

        public Outcome(Attempt attempt, Duration putOff) {
            this(attempt, putOff, Optional.empty());
        }

        static Outcome of(Attempt attempt) {
            return new Outcome(attempt, Duration.ZERO);
        }
    }

    /** The subscription a failed attempt was for, as its team and target name it. */
    public record Receiver(TeamId team, WebhookTarget target) {
        public Receiver {
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(target, "target");
        }
    }

    private final WebhookDeliveries deliveries;
    private final WebhookTransport transport;
    private final WebhookTargetGuard guard;
    private final Clock clock;
    private final DeliverySlots slots;
    private final Duration putOffLimit;
    private final Map<DeadCause, AtomicLong> dead = new EnumMap<>(DeadCause.class);

    /**
     * {@code putOffLimit}: how long a delivery may be put off with no attempt between before it ends dead. Put-offs are
     * not failures, so the retries' own end never comes to a delivery that is only ever put off; the limit is that end.
     * Bootstrap makes it as long as a failing receiver's retries take, plus a first retry ({@link #putOffLimit}).
     */
    public DeliverWebhooksService(WebhookDeliveries deliveries, WebhookTransport transport, WebhookTargetGuard guard,
                                  Clock clock, DeliverySlots slots, Duration putOffLimit) {
        if (putOffLimit.isNegative() || putOffLimit.isZero()) {
            throw new IllegalArgumentException("the put-off limit must be positive");
        }
        this.putOffLimit = putOffLimit;
        this.slots = Objects.requireNonNull(slots, "slots");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (DeadCause cause : DeadCause.values()) {
            dead.put(cause, new AtomicLong());
        }
    }

    /**
     * Hands the deliveries the outbox holds to {@code schedule}, then marks them handed over; a crash
     * between the two hands them over again, which the scheduler and {@link #attempt} both tolerate.
     */
    public int dispatch(int limit, Consumer<List<WebhookDeliveryId>> schedule) {
        List<WebhookDeliveryId> due = deliveries.undispatched(limit);
        if (!due.isEmpty()) {
            schedule.accept(due);
            deliveries.markDispatched(due);
        }
        return due.size();
    }

    /**
     * The put-off limit for retries from {@code firstRetry}, doubling, at most {@code maxAttempts} attempts: the time from
     * a first attempt to the last retry, {@code firstRetry × (2^(maxAttempts-1) - 1)}, plus one {@code firstRetry}; so
     * {@code firstRetry × 2^(maxAttempts-1)}, 64 min at the defaults (30 s, 8). A delivery is then never kept pending
     * by put-offs for longer than a failing receiver keeps it by its retries. The doubling stops at 2^20, as the
     * retries' own backoff does.
     */
    public static Duration putOffLimit(Duration firstRetry, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1");
        }
        return firstRetry.multipliedBy(1L << Math.min(maxAttempts - 1, 20));
    }

    /** How many deliveries this service ended dead for being put off too long, since it started. */
    public long deadAfterPutOffs() {
        return deadFor(DeadCause.PUT_OFF_TOO_LONG);
    }

    /** How many deliveries this service ended dead for {@code cause}, since it started. */
    public long deadFor(DeadCause cause) {
        return dead.get(cause).get();
    }

    public Attempt attempt(WebhookDeliveryId id) {
        return attemptOrPutOff(id).attempt();
    }

    /** One attempt, or none when no slot is free, with how long to put it off then. */
    public Outcome attemptOrPutOff(WebhookDeliveryId id) {
        Optional<OutgoingMessage> found = deliveries.message(id);
        if (found.isEmpty() || found.get().state() != DeliveryState.PENDING) {
            return Outcome.of(Attempt.NOTHING_TO_DO);
        }
        OutgoingMessage message = found.get();
        // The slot covers the guard's lookup too: both can take their time.
        Optional<DeliverySlots.Slot> slot = slots.tryTake(message.team(), message.target().host());
        if (slot.isEmpty()) {
            Instant now = clock.instant();
            return putOff(id, message, slots.putOff(message.team(), message.target().host(), now));
        }
        try (DeliverySlots.Slot taken = slot.get()) {
            Attempt attempt = attempt(id, message);
            // Whom it failed to reach: the job's WARN is one per receiver at most per while (ADR 0025, session 52).
            return attempt == Attempt.FAILED
                    ? new Outcome(attempt, Duration.ZERO, Optional.of(new Receiver(message.team(), message.target())))
                    : Outcome.of(attempt);
        } catch (WebhookTransport.TeamLookupsStillRunning own) {
            // The team's earlier lookups still run (a name of its hangs): it waits for its own, nothing was sent.
            Instant now = clock.instant();
            return putOff(id, message, slots.putOffForTeamLookups(message.team(), now));
        } catch (WebhookTransport.LookupNotStarted queued) {
            // Other hosts' lookups held the resolver threads: nothing is known of this receiver, nothing was sent.
            Instant now = clock.instant();
            return putOff(id, message, slots.putOffForLookups(now));
        }
    }

    /**
     * Puts the attempt off by {@code putOff}, unless the delivery has been put off with no attempt between for the
     * put-off limit already: then it ends dead, and its log says why (the attempts it made stay as they were).
     */
    private Outcome putOff(WebhookDeliveryId id, OutgoingMessage message, Duration putOff) {
        // How long, on the store's clock: the run's put-offs are made by any instance, each with its own clock.
        Optional<Duration> putOffFor = deliveries.recordPutOff(id);
        if (putOffFor.isEmpty()) {
            return Outcome.of(Attempt.NOTHING_TO_DO); // delivered or ended meanwhile
        }
        return putOffFor.get().compareTo(putOffLimit) < 0 ? new Outcome(Attempt.NO_SLOT, putOff)
                : endedDead(id, message, putOffFor.get());
    }

    private Outcome endedDead(WebhookDeliveryId id, OutgoingMessage message, Duration putOffFor) {
        deliveries.markDead(id, "not sent: put off for " + minutes(putOffFor) + " with no attempt, while the platform's "
                + "delivery slots or name lookups stayed taken (those of the host, of the team's subscriptions or of all "
                + "teams); a delivery is put off for at most " + minutes(putOffLimit) + ", as long as its retries may "
                + "take; " + message.attempts() + " attempt(s) made");
        dead.get(DeadCause.PUT_OFF_TOO_LONG).incrementAndGet();
        return Outcome.of(Attempt.PUT_OFF_TOO_LONG);
    }

    /** Whole minutes, rounded down; under two minutes in seconds. */
    private static String minutes(Duration duration) {
        return duration.compareTo(Duration.ofMinutes(2)) < 0 ? duration.toSeconds() + " s" : duration.toMinutes() + " min";
    }

    /** The deliveries waiting to be handed to the scheduler, every team's, and the oldest one's wait. */
    public WebhookDeliveries.Backlog dispatchBacklog() {
        return deliveries.undispatchedBacklog();
    }

    /** The attempts the log holds for the delivery; 0 when it is gone. */
    public int attemptsMade(WebhookDeliveryId id) {
        return deliveries.message(id).map(OutgoingMessage::attempts).orElse(0);
    }

    private Attempt attempt(WebhookDeliveryId id, OutgoingMessage message) {
        Instant now = clock.instant();
        Optional<String> refused = guard.refusal(message.team(), message.target());
        if (refused.isPresent()) {
            deliveries.recordAttempt(id, now, OptionalInt.empty(), Optional.of("target refused: " + refused.get()), false);
            return Attempt.FAILED;
        }
        long timestamp = now.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", id.messageId());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookSignature.sign(message.secret(), id.messageId(), timestamp, message.body()));
        headers.put("User-Agent", USER_AGENT);
        WebhookTransport.Response response = transport.post(message.team(), message.target(), headers, message.body());
        return switch (response) {
            case WebhookTransport.Answered answered when !answered.isHttpStatus() -> {
                // A status line HTTP does not define (HttpClient passes 600 or 999 on): a failed attempt, said so.
                deliveries.recordAttempt(id, now, OptionalInt.empty(), Optional.of("the receiver answered status "
                        + answered.statusCode() + ", not an HTTP status"), false);
                yield Attempt.FAILED;
            }
            case WebhookTransport.Answered answered -> {
                deliveries.recordAttempt(id, now, OptionalInt.of(answered.statusCode()),
                        answered.accepted() ? Optional.empty() : Optional.of("the receiver answered " + answered.statusCode()),
                        answered.accepted());
                yield answered.accepted() ? Attempt.DELIVERED : Attempt.FAILED;
            }
            case WebhookTransport.NoAnswer none -> {
                deliveries.recordAttempt(id, now, OptionalInt.empty(), Optional.of(none.reason()), false);
                yield Attempt.FAILED;
            }
        };
    }

    /**
     * The sweep: pending deliveries the scheduler dropped without the give-up below having marked them (it drops the
     * task first; a database error or a dying instance then loses the give-up) are dead now. Answers how many.
     */
    public int markDroppedDeliveriesDead(int limit) {
        int swept = deliveries.markDeadWhenUnscheduled(limit);
        dead.get(DeadCause.DROPPED_BY_THE_SCHEDULER).addAndGet(swept);
        return swept;
    }

    /**
     * One small step of removing what deleted subscriptions left: at most {@code limit} of their deliveries, then the
     * subscriptions with none left, once removed {@link #REMOVED_KEPT_FOR}. Answers how many rows went.
     */
    public int purgeRemovedSubscriptions(int limit) {
        return deliveries.purgeRemoved(REMOVED_KEPT_FOR, limit);
    }

    /**
     * One small step of the retention purge (ADR 0025, session 53): at most {@code limit} ended deliveries (delivered or
     * dead) queued at least {@code retention} ago. Answers how many went.
     */
    public int purgeEndedDeliveries(Duration retention, int limit) {
        return deliveries.purgeEnded(retention, limit);
    }

    /**
     * The scheduler gave up after the receiver failed its attempts: the dead letter, kept in the log, whose
     * last error is the receiver's own last one.
     */
    public void giveUpAfterAttempts(WebhookDeliveryId id) {
        deliveries.markDead(id);
        dead.get(DeadCause.RECEIVER_FAILED).incrementAndGet();
    }

    /**
     * The scheduler gave up after {@code errors} errors of the platform's own (its database, a stored row that no longer
     * reads): the log says so, not the last attempt's error, which was no cause of it; its attempts stay counted. The
     * error itself goes to the instance's log only: its text may hold what no delivery log should. Nothing is read
     * first: reading is what may be failing.
     */
    public void giveUpAfterPlatformErrors(WebhookDeliveryId id, int errors) {
        deliveries.markDead(id, "dead: the platform failed to make or record its attempt " + errors + " time(s) in a "
                + "row, its own error (see the instance's log), not the receiver's");
        dead.get(DeadCause.PLATFORM_ERRORS).incrementAndGet();
    }
}

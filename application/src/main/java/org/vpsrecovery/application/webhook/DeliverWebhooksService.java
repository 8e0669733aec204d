package org.vpsrecovery.application.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookSignature;

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
     * lookup never began ({@link WebhookTransport.LookupNotStarted}).
     */
    public enum Attempt { DELIVERED, FAILED, NOTHING_TO_DO, NO_SLOT }

    /**
     * How long a removed subscription's rows stay before the purge takes them: far longer than an audit append that
     * read the subscriptions before the removal can take, so the purge's delete of the row never makes one wait.
     */
    public static final Duration REMOVED_KEPT_FOR = Duration.ofMinutes(1);

    /** An attempt's result, and for {@link Attempt#NO_SLOT} how long to put it off ({@link DeliverySlots#putOff}). */
    public record Outcome(Attempt attempt, Duration putOff) {
        public Outcome {
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(putOff, "put-off");
        }

        static Outcome of(Attempt attempt) {
            return new Outcome(attempt, Duration.ZERO);
        }
    }

    private final WebhookDeliveries deliveries;
    private final WebhookTransport transport;
    private final WebhookTargetGuard guard;
    private final Clock clock;
    private final DeliverySlots slots;

    public DeliverWebhooksService(WebhookDeliveries deliveries, WebhookTransport transport, WebhookTargetGuard guard,
                                  Clock clock, DeliverySlots slots) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
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
            return new Outcome(Attempt.NO_SLOT, slots.putOff(message.team(), message.target().host(), clock.instant()));
        }
        try (DeliverySlots.Slot taken = slot.get()) {
            return Outcome.of(attempt(id, message));
        } catch (WebhookTransport.LookupNotStarted queued) {
            // Other hosts' lookups held the resolver threads: nothing is known of this receiver, nothing was sent.
            return new Outcome(Attempt.NO_SLOT, slots.putOff(message.team(), message.target().host(), clock.instant()));
        }
    }

    /** The attempts the log holds for the delivery; 0 when it is gone. */
    public int attemptsMade(WebhookDeliveryId id) {
        return deliveries.message(id).map(OutgoingMessage::attempts).orElse(0);
    }

    private Attempt attempt(WebhookDeliveryId id, OutgoingMessage message) {
        Instant now = clock.instant();
        Optional<String> refused = guard.refusal(message.target());
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
        WebhookTransport.Response response = transport.post(message.target(), headers, message.body());
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
        return deliveries.markDeadWhenUnscheduled(limit);
    }

    /**
     * One small step of removing what deleted subscriptions left: at most {@code limit} of their deliveries, then the
     * subscriptions with none left, once removed {@link #REMOVED_KEPT_FOR}. Answers how many rows went.
     */
    public int purgeRemovedSubscriptions(int limit) {
        return deliveries.purgeRemoved(REMOVED_KEPT_FOR, limit);
    }

    /** The scheduler gave up: the dead letter, kept in the log. */
    public void giveUp(WebhookDeliveryId id) {
        deliveries.markDead(id);
    }
}

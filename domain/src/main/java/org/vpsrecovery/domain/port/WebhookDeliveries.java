package org.vpsrecovery.domain.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;

/**
 * The webhook outbox and its delivery log. Deliveries are written by the audit history's append, in
 * the transaction of the event that causes them (ADR 0025); this port hands them to the scheduler,
 * gives each attempt what it sends, and records how it went.
 */
public interface WebhookDeliveries {

    int MAX_PAGE = 500;

    /** The longest error text an attempt keeps. */
    int MAX_ERROR = 500;

    /**
     * The last error of a delivery {@link #markDeadWhenUnscheduled} ended, before the last attempt's own, which follows
     * after {@code "; the last attempt: "}: the platform lost it, and no receiver's answer says so (ADR 0025, session 49).
     */
    String DROPPED_BY_THE_SCHEDULER = "dead: the platform scheduler no longer held it (its retries ended, or it was lost)"
            + " and its end was never recorded; the platform sweep ended it"; // no quote: a store may write it as a literal

    /**
     * Deliveries not yet handed to the scheduler, at most {@code limit} (1-{@value #MAX_PAGE}); none of a removed
     * subscription. Fair between teams: each team's oldest first, then each team's second oldest, and so on, oldest
     * first within a round, so that one team's flood never keeps another team's deliveries out of a batch (ADR 0025,
     * session 49).
     */
    List<WebhookDeliveryId> undispatched(int limit);

    /** How many deliveries wait to be handed to the scheduler, and for how long the oldest has, on the store's clock. */
    record Backlog(long count, Duration oldestAge) {
        public Backlog {
            if (count < 0 || oldestAge.isNegative()) {
                throw new IllegalArgumentException("a backlog is no negative count or age");
            }
        }
    }

    /** The deliveries not yet handed over (none of a removed subscription); zero and zero when none waits. */
    Backlog undispatchedBacklog();

    /** The most {@link #undispatchedBacklog(WebhookSubscriptionId)} counts, so that its read stays bounded. */
    int MAX_BACKLOG_COUNTED = 10_000;

    /**
     * One subscription's deliveries not yet handed over: how many, at most {@value #MAX_BACKLOG_COUNTED} (that many means
     * at least that many), and the oldest one's age on the store's clock; zero and zero when none waits or the
     * subscription is removed (ADR 0025, session 50).
     */
    Backlog undispatchedBacklog(WebhookSubscriptionId subscription);

    /** They are in the scheduler's hands now. */
    void markDispatched(List<WebhookDeliveryId> ids);

    /** What an attempt sends; empty when the delivery is gone or its subscription was removed. */
    Optional<OutgoingMessage> message(WebhookDeliveryId id);

    /**
     * One attempt: its time, the receiver's status code if one answered, the platform's error text if not
     * (its first {@value #MAX_ERROR} characters; an empty text is none). A status code outside 100-599 is not
     * an HTTP status and is kept as none: the attempt is still recorded. Only a pending delivery takes
     * attempts: a delivered, dead or gone one stays as it is. An attempt ends a run of put-offs ({@link #recordPutOff}).
     */
    void recordAttempt(WebhookDeliveryId id, Instant at, OptionalInt statusCode, Optional<String> error, boolean delivered);

    /**
     * An attempt put off now: none was made (no free delivery slot, or its host's lookup never began), and nothing
     * shows in the log. Answers how long the delivery has been put off with no attempt between: zero for the first
     * put-off since its last attempt (or ever). Both ends are read on the store's one clock, never on the instances'
     * (a run's put-offs are made by whichever instance runs its task; ADR 0025, amended in session 48). Empty, and
     * nothing kept, when the delivery is not pending (delivered, dead or gone).
     */
    Optional<Duration> recordPutOff(WebhookDeliveryId id);

    /** No more attempts: the dead letter. Only a pending delivery dies; a delivered or gone one stays as it is. */
    void markDead(WebhookDeliveryId id);

    /**
     * No more attempts, for a reason of the platform's own: dead, with {@code reason} as its last error (its first
     * {@value #MAX_ERROR} characters); its attempts, their time and the last status code stay. Only a pending delivery
     * dies.
     */
    void markDead(WebhookDeliveryId id, String reason);

    /**
     * Pending deliveries handed to the scheduler that it no longer holds: it drops a delivery's task when its retries
     * are used up and only then asks for {@link #markDead}, which a database error or a dying instance can lose. Those
     * are dead now, their last error {@link #DROPPED_BY_THE_SCHEDULER} and then the last attempt's, if any (its first
     * {@value #MAX_ERROR} characters in all), at most {@code limit} (1-{@value #MAX_PAGE}) at a time; answers how many. A delivery still held,
     * not yet handed over, delivered, gone or of a removed subscription is left as it is.
     */
    int markDeadWhenUnscheduled(int limit);

    /** One subscription's log, newest first, at most {@code limit} (1-{@value #MAX_PAGE}); empty once it is removed. */
    default List<WebhookDelivery> log(WebhookSubscriptionId subscription, int limit) {
        return logPage(subscription, Optional.empty(), OptionalLong.empty(), limit).items();
    }

    /**
     * A page of one subscription's log, newest event first (by {@code audit_sequence}, which is one delivery's per
     * subscription): at most {@code limit} (1-{@value #MAX_PAGE}), only those in {@code state} if given, only those
     * before {@code beforeSequence} if given. Its {@code next} is the last one's sequence when more follow, to be passed
     * back as {@code beforeSequence}; empty once the subscription is removed (ADR 0025, session 50).
     */
    KeysetPage<WebhookDelivery, Long> logPage(WebhookSubscriptionId subscription, Optional<DeliveryState> state,
                                              OptionalLong beforeSequence, int limit);

    /**
     * The rows of subscriptions removed at least {@code removedAtLeast} ago: at most {@code limit}
     * (1-{@value #MAX_PAGE}) of their deliveries, and then those of them with no delivery left. Answers how many
     * deliveries and subscriptions went; 0 when none is left. The wait leaves alone a removal an append may still
     * have queued a delivery for, having read the subscriptions just before it.
     */
    int purgeRemoved(Duration removedAtLeast, int limit);

    /**
     * Deliveries that ended (delivered, or dead) and were queued at least {@code olderThan} ago, oldest first: at most
     * {@code limit} (1-{@value #MAX_PAGE}) deleted, bodies and receivers' answers with them (ADR 0025, session 53: the
     * bodies name the events' actors). A pending delivery stays whatever its age. Answers how many went; 0 when none.
     */
    int purgeEnded(Duration olderThan, int limit);

    static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}

package org.vpsrecovery.adapters.persistence.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.adapters.persistence.teamlimit.TeamLimitedInsert;
import org.vpsrecovery.adapters.persistence.transaction.StoreOutcomeUnknown;
import org.vpsrecovery.adapters.persistence.transaction.WriteTransaction;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Subscriptions and deliveries in PostgreSQL, through Micronaut Data repositories; the one place
 * their rows and the domain meet. Deliveries are inserted by {@link WebhookOutbox}, not here.
 */
public final class WebhookRows implements WebhookSubscriptions, WebhookDeliveries {

    /** "VPSW": the advisory-lock namespace of a team's subscriptions, keyed by the team's {@code hashtext}. */
    static final int SUBSCRIPTIONS_NAMESPACE = 0x56505357;

    /** Inserts only while the team is below its limit; run under the team's lock, so the count is the latest. */
    static final String INSERT_BELOW_LIMIT = """
            INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at)
            SELECT ?, ?, ?, ?, ?, ?
            WHERE (SELECT count(*) FROM webhook_subscription WHERE team = ? AND deleted_at IS NULL) < ?""";

    /**
     * A removal marks the row, whatever its log holds (V57). Deleting it cascaded over the whole log under the row's
     * FOR UPDATE lock, and an audit append queueing a delivery for it waited in its foreign-key check (FOR KEY SHARE)
     * while holding the chain head: every append of every instance waited. Changing a column no unique index holds
     * takes FOR NO KEY UPDATE, which that check does not wait for. Parameters: id, team.
     */
    public static final String REMOVE = """
            UPDATE webhook_subscription SET deleted_at = now() WHERE id = ? AND team = ? AND deleted_at IS NULL""";

    /**
     * At most ? deliveries of subscriptions removed at least ? ms ago, oldest first per subscription, picked by
     * subscription id through V7's unique index (subscription_id, audit_sequence) in its order: a join of the removed
     * subscriptions with the log read the log from its start each batch, the whole of it in the last (ADR 0025, session
     * 55). Each batch statement here picks its
     * rows in an {@code = ANY(ARRAY(...))} sub-select, an InitPlan run once, then finds them by primary key: an
     * {@code IN (...)} sub-select may be run again for every outer row, and with FOR UPDATE each run skips the rows
     * already deleted and picks others, more than the limit in all (session 54). Each skips the rows another purge or
     * sweep holds rather than waiting for them (session 55).
     */
    static final String PURGE_DELIVERIES = """
            DELETE FROM webhook_delivery WHERE id = ANY(ARRAY(
                SELECT d.id FROM webhook_delivery d WHERE d.subscription_id = ANY(ARRAY(
                    SELECT s.id FROM webhook_subscription s WHERE s.deleted_at <= now() - ? * interval '1 millisecond'))
                ORDER BY d.subscription_id, d.audit_sequence LIMIT ? FOR UPDATE SKIP LOCKED))""";

    /**
     * At most ? of those subscriptions with no delivery left, the longest removed first. A delivery an append queued
     * meanwhile goes with the cascade; the removal's wait means no append still reads the row (see
     * {@link WebhookDeliveries#purgeRemoved}). One an append is queueing for (its key share) is skipped till next run.
     */
    static final String PURGE_SUBSCRIPTIONS = """
            DELETE FROM webhook_subscription WHERE id = ANY(ARRAY(
                SELECT s.id FROM webhook_subscription s
                WHERE s.deleted_at <= now() - ? * interval '1 millisecond'
                    AND NOT EXISTS (SELECT FROM webhook_delivery d WHERE d.subscription_id = s.id)
                ORDER BY s.deleted_at, s.id LIMIT ? FOR UPDATE SKIP LOCKED))""";

    /**
     * A put-off (V60): the first since the last attempt is kept. One recorded by a release before V60 never cleared
     * the column, hence the comparison with the last attempt too. Parameter: id. Answers the run's start and now, both
     * on the database's clock: the put-offs of one run are made by any instance, and an instance's clock ahead of the
     * one that began the run made it look long enough to end dead (ADR 0025, amended in session 48).
     */
    static final String PUT_OFF = """
            UPDATE webhook_delivery SET put_off_since = CASE
                WHEN put_off_since IS NULL OR put_off_since <= last_attempt_at THEN now() ELSE put_off_since END
            WHERE id = ? AND state = 'pending' RETURNING put_off_since, now()""";

    /** The dispatcher's backlog, aged on the database's clock. */
    static final String BACKLOG = """
            SELECT count(*), coalesce(floor(extract(epoch FROM now() - min(d.created_at)) * 1000), 0)
            FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id AND s.deleted_at IS NULL
            WHERE NOT d.dispatched""";

    /**
     * One subscription's backlog, bounded: at most {@link WebhookDeliveries#MAX_BACKLOG_COUNTED} of its undispatched rows,
     * oldest first, from V69's partial index, so the oldest is the first read (ADR 0025, session 50). Parameters:
     * subscription id, the most counted.
     */
    static final String SUBSCRIPTION_BACKLOG = """
            SELECT count(*), coalesce(floor(extract(epoch FROM now() - min(b.created_at)) * 1000), 0)
            FROM (SELECT d.created_at FROM webhook_delivery d
                  WHERE d.subscription_id = ? AND NOT d.dispatched
                      AND EXISTS (SELECT FROM webhook_subscription s WHERE s.id = d.subscription_id AND s.deleted_at IS NULL)
                  ORDER BY d.created_at, d.audit_sequence LIMIT ?) b""";

    /**
     * At most ? ended deliveries queued at least ? ms ago, oldest first (the id breaks ties), through V74's index of the
     * ended rows. Rows another purge holds are skipped, not waited for. Picked once, as {@link #PURGE_DELIVERIES} says:
     * as {@code IN (...)} a purge of 1 deleted every ended row under a plan that ran the sub-select per row (session
     * 54). Parameters: ms, limit.
     */
    static final String PURGE_ENDED = """
            DELETE FROM webhook_delivery WHERE id = ANY(ARRAY(
                SELECT id FROM webhook_delivery
                WHERE state <> 'pending' AND created_at <= now() - ? * interval '1 millisecond'
                ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED))""";

    /** The purge waits no longer for a row lock (an attempt recording on a delivery): it tries again next run. */
    private static final String PURGE_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'";

    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private final SubscriptionRowRepository subscriptions;
    private final DeliveryRowRepository deliveries;
    private final TeamLimitedInsert subscriptionWithinLimit;

    public WebhookRows(DataSource dataSource, SubscriptionRowRepository subscriptions, DeliveryRowRepository deliveries) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.subscriptionWithinLimit = new TeamLimitedInsert(dataSource, SUBSCRIPTIONS_NAMESPACE, INSERT_BELOW_LIMIT);
    }

    /** The team's limit held on any number of instances ({@link TeamLimitedInsert}). */
    @Override
    public boolean add(WebhookSubscription s, WebhookSecret secret, int maxPerTeam) {
        // The message names the step, never the target or the secret.
        return subscriptionWithinLimit.insert(s.team().value(), List.of(s.id().value(), s.team().value(),
                        s.target().toString(), s.eventTypes().stream().map(WebhookEventType::wireName).sorted()
                                .collect(Collectors.joining(",")), secret.reveal(),
                        OffsetDateTime.ofInstant(s.createdAt(), ZoneOffset.UTC), s.team().value(), maxPerTeam),
                "could not add the webhook subscription: the database did not answer", RETRY_AFTER);
    }

    @Override
    public Optional<WebhookSubscription> find(TeamId team, WebhookSubscriptionId id) {
        // GET /webhooks/{id}/ and its deliveries, and a removal's look-up: a 503, not a 500 (session 40).
        return DatabaseOutOfReach.read("read the webhook subscription",
                () -> subscriptions.findByIdAndTeamAndDeletedAtIsNull(id.value(), team.value())).map(WebhookRows::toDomain);
    }

    @Override
    public List<WebhookSubscription> list(TeamId team) {
        return DatabaseOutOfReach.read("list the webhook subscriptions",
                () -> subscriptions.findByTeamAndDeletedAtIsNullOrderByCreatedAt(team.value())).stream()
                .map(WebhookRows::toDomain).toList();
    }

    @Override
    public int count(TeamId team) {
        // Counted first by a create: a 503 before the target's look-up, not a 500.
        return (int) (long) DatabaseOutOfReach.read("count the team's webhook subscriptions",
                () -> subscriptions.countByTeamAndDeletedAtIsNull(team.value()));
    }

    /**
     * {@link #REMOVE}, one quick statement; hand-written JDBC so that its text is the one the contract test holds.
     * Committed on its own, so failed as {@link DatabaseOutOfReach#write} says: {@link PlatformUnavailable} only when
     * the database certainly did nothing of it (no connection given, a lock not granted); a connection lost during it
     * may come after its commit, {@link StoreOutcomeUnknown}, of no domain type, which the service answers "may have
     * been removed" (ADR 0023, amended in session 44 after review).
     */
    @Override
    public boolean remove(TeamId team, WebhookSubscriptionId id) {
        String what = "remove the webhook subscription";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement remove = connection.prepareStatement(REMOVE)) {
            remove.setObject(1, id.value());
            remove.setString(2, team.value());
            return remove.executeUpdate() == 1;
        } catch (SQLException e) {
            if (DatabaseOutOfReach.nothingDone(e)) {
                throw DatabaseOutOfReach.unavailable(what, e);
            }
            throw new StoreOutcomeUnknown("could not " + what + ": the database's answer was lost, so it may be removed", e);
        }
    }

    /**
     * One transaction: a batch of deliveries, then, when fewer than a batch were left, the emptied subscriptions. Small
     * steps, so no statement holds many row locks or runs long; two instances purging at once skip each other's rows.
     */
    @Override
    public int purgeRemoved(Duration removedAtLeast, int limit) {
        return purge("purge removed webhook subscriptions", removedAtLeast, limit, PURGE_DELIVERIES, PURGE_SUBSCRIPTIONS);
    }

    /** One statement, one small batch: no statement holds many row locks or runs long. */
    @Override
    public int purgeEnded(Duration olderThan, int limit) {
        return purge("purge ended webhook deliveries", olderThan, limit, PURGE_ENDED);
    }

    /**
     * The batch statements of parameters (ms, limit) in one transaction under {@link #PURGE_LOCK_TIMEOUT}, each run
     * only while fewer than {@code limit} rows went. Answers how many went.
     */
    private int purge(String what, Duration age, int limit, String... statements) {
        WebhookDeliveries.requirePage(limit);
        long ms = age.toMillis();
        return WriteTransaction.run(dataSource, "could not " + what + ": the database did not answer", RETRY_AFTER,
                connection -> {
                    try (PreparedStatement timeout = connection.prepareStatement(PURGE_LOCK_TIMEOUT)) {
                        timeout.execute();
                    }
                    int purged = 0;
                    for (int next = 0; next < statements.length && purged < limit; next++) {
                        try (PreparedStatement batch = connection.prepareStatement(statements[next])) {
                            batch.setLong(1, ms);
                            batch.setInt(2, limit);
                            purged += batch.executeUpdate();
                        }
                    }
                    return purged;
                });
    }

    @Override
    public List<WebhookDeliveryId> undispatched(int limit) {
        WebhookDeliveries.requirePage(limit);
        return DatabaseOutOfReach.read("read the undispatched webhook deliveries", () -> deliveries.undispatched(limit))
                .stream().map(r -> new WebhookDeliveryId(r.id())).toList();
    }

    @Override
    public Backlog undispatchedBacklog() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement backlog = connection.prepareStatement(BACKLOG);
             ResultSet row = backlog.executeQuery()) {
            row.next();
            // A created_at ahead of the database's clock (an instance's own) is no negative age.
            return new Backlog(row.getLong(1), Duration.ofMillis(Math.max(0, row.getLong(2))));
        } catch (SQLException e) {
            throw new PlatformUnavailable("could not read the webhook dispatch backlog: the database did not answer",
                    RETRY_AFTER, e);
        }
    }

    @Override
    public Backlog undispatchedBacklog(WebhookSubscriptionId subscription) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement backlog = connection.prepareStatement(SUBSCRIPTION_BACKLOG)) {
            backlog.setObject(1, subscription.value());
            backlog.setInt(2, MAX_BACKLOG_COUNTED);
            try (ResultSet row = backlog.executeQuery()) {
                row.next();
                // A created_at ahead of the database's clock (an instance's own) is no negative age.
                return new Backlog(row.getLong(1), Duration.ofMillis(Math.max(0, row.getLong(2))));
            }
        } catch (SQLException e) {
            throw new PlatformUnavailable("could not read the webhook's dispatch backlog: the database did not answer",
                    RETRY_AFTER, e);
        }
    }

    @Override
    public void markDispatched(List<WebhookDeliveryId> ids) {
        if (!ids.isEmpty()) {
            List<java.util.UUID> dispatched = ids.stream().map(WebhookDeliveryId::value).toList();
            DatabaseOutOfReach.write("mark webhook deliveries dispatched", () -> deliveries.markDispatched(dispatched));
        }
    }

    @Override
    public Optional<OutgoingMessage> message(WebhookDeliveryId id) {
        return DatabaseOutOfReach.read("read the webhook delivery", () -> deliveries.findById(id.value())
                .flatMap(d -> subscriptions.findById(d.subscriptionId()).filter(s -> s.deletedAt() == null)
                        .map(s -> new OutgoingMessage(id, new TeamId(s.team()), state(d.state()), d.attempts(),
                                WebhookTarget.parse(s.targetUrl()), WebhookSecret.parse(s.secret()), d.body()))));
    }

    @Override
    public void recordAttempt(WebhookDeliveryId id, Instant at, OptionalInt statusCode, Optional<String> error,
                              boolean delivered) {
        // The column holds 100-599 (V7): a receiver's 600 or 999 must not make the attempt unrecordable.
        Integer status = statusCode.isPresent() && new WebhookTransport.Answered(statusCode.getAsInt()).isHttpStatus()
                ? statusCode.getAsInt() : null;
        String recorded = error.map(e -> e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR) : e).filter(e -> !e.isEmpty())
                .orElse(null);
        DatabaseOutOfReach.write("record the webhook attempt",
                () -> deliveries.recordAttempt(id.value(), at, status, recorded, delivered));
    }

    /** {@link #PUT_OFF}: hand-written JDBC, for its RETURNING. */
    @Override
    public Optional<Duration> recordPutOff(WebhookDeliveryId id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement putOff = connection.prepareStatement(PUT_OFF)) {
            putOff.setObject(1, id.value());
            try (ResultSet run = putOff.executeQuery()) {
                return run.next() ? Optional.of(Duration.between(run.getObject(1, OffsetDateTime.class).toInstant(),
                        run.getObject(2, OffsetDateTime.class).toInstant())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PlatformUnavailable("could not record the webhook delivery's put-off: the database did not answer",
                    RETRY_AFTER, e);
        }
    }

    @Override
    public void markDead(WebhookDeliveryId id) {
        DatabaseOutOfReach.write("mark the webhook delivery dead", () -> deliveries.markDead(id.value()));
    }

    @Override
    public void markDead(WebhookDeliveryId id, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a death for the platform's reason needs the reason");
        }
        String why = reason.length() > MAX_ERROR ? reason.substring(0, MAX_ERROR) : reason;
        DatabaseOutOfReach.write("mark the webhook delivery dead", () -> deliveries.markDeadFor(id.value(), why));
    }

    @Override
    public int markDeadWhenUnscheduled(int limit) {
        WebhookDeliveries.requirePage(limit);
        return (int) (long) DatabaseOutOfReach.write("mark unscheduled webhook deliveries dead",
                () -> deliveries.markDeadWhenUnscheduled(limit));
    }

    /** Keyset on V7's {@code webhook_delivery_log} index: one read of {@code limit + 1}, the extra one saying "more". */
    @Override
    public KeysetPage<WebhookDelivery, Long> logPage(WebhookSubscriptionId subscription, Optional<DeliveryState> state,
                                                     OptionalLong beforeSequence, int limit) {
        WebhookDeliveries.requirePage(limit);
        long before = beforeSequence.orElse(Long.MAX_VALUE);
        List<DeliveryRow> rows = DatabaseOutOfReach.read("read the webhook's deliveries", () -> state.isPresent()
                ? deliveries.logInState(subscription.value(), state.get().wireName(), before, limit + 1)
                : deliveries.log(subscription.value(), before, limit + 1));
        return KeysetPage.of(rows.stream().map(WebhookRows::toDomain).toList(), limit, WebhookDelivery::auditSequence);
    }

    private static WebhookSubscription toDomain(SubscriptionRow r) {
        return new WebhookSubscription(new WebhookSubscriptionId(r.id()), new TeamId(r.team()),
                WebhookTarget.parse(r.targetUrl()), Arrays.stream(r.eventTypes().split(","))
                .map(WebhookEventType::fromWire).collect(Collectors.toSet()), r.createdAt());
    }

    private static WebhookDelivery toDomain(DeliveryRow r) {
        return new WebhookDelivery(new WebhookDeliveryId(r.id()), new WebhookSubscriptionId(r.subscriptionId()),
                WebhookEventType.fromWire(r.eventType()), r.auditSequence(), state(r.state()), r.attempts(),
                Optional.ofNullable(r.lastAttemptAt()),
                r.lastStatus() == null ? OptionalInt.empty() : OptionalInt.of(r.lastStatus()),
                Optional.ofNullable(r.lastError()), r.createdAt(), Optional.ofNullable(r.deliveredAt()));
    }

    private static DeliveryState state(String wire) {
        return DeliveryState.valueOf(wire.toUpperCase(Locale.ROOT));
    }
}

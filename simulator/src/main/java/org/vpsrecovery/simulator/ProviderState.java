package org.vpsrecovery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * VPS.org's eight calls, in memory, for the accounts of a seed: the documented rules (input checks,
 * 404s, limits, restores) decided here; the objects in {@link Account}, their status over time in
 * {@link CreationProgress} and {@link Server}, how long things take and how creations end in
 * {@link LifecycleSchedule}, their JSON in {@link ProviderJson}, paging in {@link ListPage}. Time is read from the clock on each call, so a test moves the clock instead of
 * waiting. Every call holds this object's lock.
 */
final class ProviderState {

    static final int SNAPSHOTS_PER_SERVER = 5;
    static final int MANUAL_BACKUPS_PER_SERVER = 10;
    static final int NAME_MAX_LENGTH = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    static final String SNAPSHOT_CREATED = "Snapshot is being created. This may take 3-10 minutes depending on server size.";
    static final String SERVER_RESTORING = "Server is being restored and cannot take this request now.";
    static final String BACKUP_CREATED = "Backup is being created. This may take several minutes depending on server size.";

    private final Clock clock;
    private final LifecycleSchedule lifecycle;
    private final ListPage pages;
    private final UndocumentedAnswers undocumented;
    private final Map<String, Account> accountsByToken = new HashMap<>();
    private long nextSnapshotId;
    private long nextBackupId;
    // The most snapshots each server has held at once, and the creates refused at the limit: what tests read.
    private final Map<Long, Long> mostSnapshots = new HashMap<>();
    private long refusedAtSnapshotLimit;

    ProviderState(Clock clock, LifecycleSchedule lifecycle, int pageSize, UndocumentedAnswers undocumented, Seed seed) {
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.pages = new ListPage(pageSize);
        this.undocumented = undocumented;
        load(seed);
    }

    synchronized void load(Seed seed) {
        accountsByToken.clear();
        mostSnapshots.clear();
        refusedAtSnapshotLimit = 0;
        for (Seed.AccountSeed seeded : seed.accounts()) {
            if (accountsByToken.put(seeded.token(), Account.seeded(seeded, lifecycle.lifecycle())) != null) {
                throw new IllegalArgumentException("two seeded accounts share a token");
            }
        }
        // Ids continue after the seed's, so the spec's create examples (802, 502) come next.
        nextSnapshotId = 1 + seed.accounts().stream().flatMap(a -> a.snapshots().stream())
                .mapToLong(Seed.SnapshotSeed::id).max().orElse(0);
        nextBackupId = 1 + seed.accounts().stream().flatMap(a -> a.backups().stream())
                .mapToLong(Seed.BackupSeed::id).max().orElse(0);
    }

    /** The most snapshots {@code serverId} has held at once since the seed (seeded ones count from the first create). */
    synchronized long mostSnapshotsOn(long serverId) {
        return mostSnapshots.getOrDefault(serverId, 0L);
    }

    /** Snapshot creates refused because the server had its limit already. */
    synchronized long refusedAtSnapshotLimit() {
        return refusedAtSnapshotLimit;
    }

    synchronized boolean knowsToken(String token) {
        return accountsByToken.containsKey(token);
    }

    // ---- snapshots ----

    synchronized Answer listSnapshots(String token, Map<String, String> query, String selfUrl) {
        Account account = account(token);
        RequestFields input = new RequestFields();
        Optional<Long> serverId = input.integerFilter(query, "server_id");
        if (input.hasErrors()) {
            return input.refusal();
        }
        Instant now = now();
        return pages.answer(newestFirst(account.snapshots.values().stream().filter(s -> isOn(s, serverId)),
                s -> ProviderJson.snapshot(s, now)), query, selfUrl);
    }

    synchronized Answer createSnapshot(String token, JsonNode body) {
        Account account = account(token);
        RequestFields input = new RequestFields();
        Optional<Long> serverId = input.requiredInteger(body, "server_id");
        Optional<String> name = input.requiredText(body, "name");
        name.ifPresent(n -> {
            if (n.length() > NAME_MAX_LENGTH) {
                input.refuse("name", "Ensure this field has no more than " + NAME_MAX_LENGTH + " characters.");
            } else if (!NAME.matcher(n).matches()) {
                input.refuse("name", "Snapshot name may contain only letters, numbers, hyphens and underscores.");
            }
        });
        Optional<String> description = input.optionalText(body, "description");
        return onServer(input, account, serverId, server -> {
            if (refusedWhileRestoring(server)) {
                return Answer.detail(400, SERVER_RESTORING);
            }
            if (account.snapshotsOf(server) >= SNAPSHOTS_PER_SERVER) {
                refusedAtSnapshotLimit++;
                return Answer.detail(400, "Snapshot limit reached: a server can have at most " + SNAPSHOTS_PER_SERVER
                        + " snapshots. Delete an old snapshot first.");
            }
            Instant now = now();
            Snapshot snapshot = new Snapshot(nextSnapshotId++, server, name.orElseThrow(), now,
                    description.orElse(""), CreationProgress.started(now, lifecycle.nextCreation(ForcedOutcome.SNAPSHOT), server));
            account.snapshots.put(snapshot.id(), snapshot);
            mostSnapshots.merge(server.id(), account.snapshotsOf(server), Math::max);
            return Answer.json(201, ProviderJson.snapshot(snapshot, now).put("message", SNAPSHOT_CREATED));
        });
    }

    synchronized Answer restoreSnapshot(String token, long snapshotId) {
        Snapshot snapshot = account(token).snapshots.get(snapshotId);
        return snapshot == null ? Answer.detail(404, "Snapshot not found.") : restore(snapshot, snapshot.server());
    }

    synchronized Answer deleteSnapshot(String token, long snapshotId) {
        Account account = account(token);
        Snapshot snapshot = account.snapshots.get(snapshotId);
        if (snapshot == null) {
            return Answer.detail(404, "Snapshot not found.");
        }
        if (refusedWhileRestoring(snapshot.server())) {
            return Answer.detail(400, SERVER_RESTORING);
        }
        account.snapshots.remove(snapshotId);
        return Answer.noContent();
    }

    // ---- backups ----

    synchronized Answer listBackups(String token, Map<String, String> query, String selfUrl) {
        Account account = account(token);
        RequestFields input = new RequestFields();
        Optional<Long> serverId = input.integerFilter(query, "server_id");
        Optional<String> type = input.choiceFilter(query, "backup_type", List.of(Backup.MANUAL, Backup.AUTOMATIC));
        if (input.hasErrors()) {
            return input.refusal();
        }
        Instant now = now();
        return pages.answer(newestFirst(account.backups.values().stream()
                        .filter(b -> isOn(b, serverId))
                        .filter(b -> type.map(b.type()::equals).orElse(true)),
                b -> ProviderJson.backup(b, now)), query, selfUrl);
    }

    synchronized Answer createBackup(String token, JsonNode body) {
        Account account = account(token);
        RequestFields input = new RequestFields();
        Optional<Long> serverId = input.requiredInteger(body, "server_id");
        Optional<String> description = input.optionalText(body, "description");
        return onServer(input, account, serverId, server -> {
            if (refusedWhileRestoring(server)) {
                return Answer.detail(400, SERVER_RESTORING);
            }
            if (account.manualBackupsOf(server) >= MANUAL_BACKUPS_PER_SERVER) {
                return Answer.detail(400, "Manual backup limit reached: a server can have at most "
                        + MANUAL_BACKUPS_PER_SERVER + " manual backups. Delete an old backup first.");
            }
            Instant now = now();
            Backup backup = new Backup(nextBackupId++, server, Backup.MANUAL, now, null, description.orElse(""),
                    CreationProgress.started(now, lifecycle.nextCreation(ForcedOutcome.BACKUP), server));
            account.backups.put(backup.id(), backup);
            return Answer.json(201, ProviderJson.backup(backup, now).put("message", BACKUP_CREATED));
        });
    }

    synchronized Answer deleteBackup(String token, long backupId) {
        Account account = account(token);
        Backup backup = account.backups.get(backupId);
        if (backup == null) {
            return Answer.detail(404, "Backup not found.");
        }
        if (refusedWhileRestoring(backup.server())) {
            return Answer.detail(400, SERVER_RESTORING);
        }
        account.backups.remove(backupId);
        return Answer.noContent();
    }

    /** The Servers API's restore: onto any server of the account (ADR 0003). */
    synchronized Answer restoreServerFromBackup(String token, long serverId, JsonNode body) {
        Account account = account(token);
        return account.server(serverId).map(server -> {
            RequestFields input = new RequestFields();
            Optional<Long> backupId = input.requiredInteger(body, "backup_id");
            if (input.hasErrors()) {
                return input.refusal();
            }
            Backup backup = account.backups.get(backupId.orElseThrow());
            return backup == null ? Answer.detail(404, "Backup not found.") : restore(backup, server);
        }).orElseGet(ProviderState::serverNotFound);
    }

    // ---- what both kinds share ----

    /** A create's order of refusals: its fields (400), then a server the account lacks (404), then the call's own. */
    private static Answer onServer(RequestFields input, Account account, Optional<Long> serverId, Function<Server, Answer> call) {
        if (input.hasErrors()) {
            return input.refusal();
        }
        return account.server(serverId.orElseThrow()).map(call).orElseGet(ProviderState::serverNotFound);
    }

    /** Only a completed snapshot or backup, onto a server not already being restored. */
    private Answer restore(RecoveryPoint point, Server target) {
        Instant now = now();
        if (!point.progress().isCompletedAt(now)) {
            return Answer.detail(400, capitalised(point.kind()) + " is not completed and cannot be restored.");
        }
        if (target.isRestoringAt(now)) {
            return Answer.detail(400, "Server is not in a valid state for restoration.");
        }
        target.beginRestore(now, lifecycle.nextRestore(point.kind()));
        return switch (undocumented.restoreAnswer()) {
            case DOCUMENTED -> Answer.json(200, ProviderJson.restoreStarted(point, target));
            case ACCEPTED -> Answer.json(202, ProviderJson.restoreAccepted());
        };
    }

    /** Work on a server being restored, refused only when {@link UndocumentedAnswers#refuseWhileRestoring} says so. */
    private boolean refusedWhileRestoring(Server server) {
        return undocumented.refuseWhileRestoring() && server.isRestoringAt(now());
    }

    /** The token's account, with what time has done since the last call. */
    private Account account(String token) {
        Account account = accountsByToken.get(token);
        if (account == null) {
            throw new IllegalStateException("unknown token reached the provider state");
        }
        account.forgetGone(now());
        return account;
    }

    /** Lists are ordered by id, newest first, as both documented examples are. */
    private static <T extends RecoveryPoint> List<JsonNode> newestFirst(Stream<T> points, Function<T, JsonNode> json) {
        return points.sorted(Comparator.comparingLong(RecoveryPoint::id).reversed()).map(json).toList();
    }

    private static boolean isOn(RecoveryPoint point, Optional<Long> serverId) {
        return serverId.map(id -> point.server().id() == id).orElse(true);
    }

    private static Answer serverNotFound() {
        return Answer.detail(404, "Server not found.");
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}

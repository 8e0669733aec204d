package org.vpsrecovery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * VPS.org's behaviour, in memory: accounts by API token, each with servers, snapshots and
 * backups, and the documented rules (limits, 404s, validation, in progress turning completed,
 * restores, expiry). Time-driven changes are applied lazily on each call, from the clock, so a
 * test can move the clock instead of waiting. Every method is called under the object's lock.
 */
final class ProviderState {

    static final int SNAPSHOTS_PER_SERVER = 5;
    static final int MANUAL_BACKUPS_PER_SERVER = 10;
    static final int NAME_MAX_LENGTH = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    static final String SNAPSHOT_CREATED = "Snapshot is being created. This may take 3-10 minutes depending on server size.";
    static final String BACKUP_CREATED = "Backup is being created. This may take several minutes depending on server size.";
    static final String SNAPSHOT_RESTORING = "Server is being restored from snapshot. This may take 5-15 minutes.";
    static final String BACKUP_RESTORING = "Server is being restored from backup. This may take 5-15 minutes.";

    private static final class Server {
        final long id;
        final String name;
        final long diskUsedMb;
        String status;
        Instant restoringUntil;

        Server(long id, String name, String status, long diskUsedMb) {
            this.id = id;
            this.name = name;
            this.status = status;
            this.diskUsedMb = diskUsedMb;
        }
    }

    private static final class Snapshot {
        final long id;
        final Server server;
        final String name;
        final Instant createdAt;
        final String description;
        String status;
        Long sizeMb;

        Snapshot(long id, Server server, String name, String status, Long sizeMb, Instant createdAt, String description) {
            this.id = id;
            this.server = server;
            this.name = name;
            this.status = status;
            this.sizeMb = sizeMb;
            this.createdAt = createdAt;
            this.description = description;
        }
    }

    private static final class Backup {
        final long id;
        final Server server;
        final String type;
        final Instant createdAt;
        final Instant expiresAt;
        final String description;
        String status;
        Long sizeMb;

        Backup(long id, Server server, String type, String status, Long sizeMb, Instant createdAt, Instant expiresAt,
               String description) {
            this.id = id;
            this.server = server;
            this.type = type;
            this.status = status;
            this.sizeMb = sizeMb;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
            this.description = description;
        }
    }

    private static final class Account {
        final Map<Long, Server> servers = new LinkedHashMap<>();
        final Map<Long, Snapshot> snapshots = new LinkedHashMap<>();
        final Map<Long, Backup> backups = new LinkedHashMap<>();
    }

    private final Clock clock;
    private final Duration completionDelay;
    private final Duration restoreDelay;
    private final int pageSize;
    private final Map<String, Account> accountsByToken = new HashMap<>();
    private long nextSnapshotId;
    private long nextBackupId;

    ProviderState(Clock clock, Duration completionDelay, Duration restoreDelay, int pageSize, Seed seed) {
        this.clock = clock;
        this.completionDelay = completionDelay;
        this.restoreDelay = restoreDelay;
        this.pageSize = pageSize;
        load(seed);
    }

    synchronized void load(Seed seed) {
        accountsByToken.clear();
        long maxSnapshot = 0;
        long maxBackup = 0;
        for (Seed.AccountSeed seeded : seed.accounts()) {
            Account account = new Account();
            seeded.servers().forEach(s -> account.servers.put(s.id(), new Server(s.id(), s.name(), s.status(), s.diskUsedMb())));
            for (Seed.SnapshotSeed s : seeded.snapshots()) {
                account.snapshots.put(s.id(), new Snapshot(s.id(), requireServer(account, s.serverId()), s.name(),
                        s.status(), s.sizeMb(), s.createdAt(), s.description()));
                maxSnapshot = Math.max(maxSnapshot, s.id());
            }
            for (Seed.BackupSeed b : seeded.backups()) {
                account.backups.put(b.id(), new Backup(b.id(), requireServer(account, b.serverId()), b.backupType(),
                        b.status(), b.sizeMb(), b.createdAt(), b.expiresAt(), b.description()));
                maxBackup = Math.max(maxBackup, b.id());
            }
            if (accountsByToken.put(seeded.token(), account) != null) {
                throw new IllegalArgumentException("two seeded accounts share a token");
            }
        }
        // Ids continue after the seed's, so the spec's create examples (802, 502) come next.
        nextSnapshotId = maxSnapshot + 1;
        nextBackupId = maxBackup + 1;
    }

    private static Server requireServer(Account account, long id) {
        Server server = account.servers.get(id);
        if (server == null) {
            throw new IllegalArgumentException("seed refers to server " + id + ", which its account lacks");
        }
        return server;
    }

    synchronized boolean knowsToken(String token) {
        return accountsByToken.containsKey(token);
    }

    // ---- snapshots ----

    synchronized Answer listSnapshots(String token, Map<String, String> query, String selfUrl) {
        Account account = refreshed(token);
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Long> serverId = integerFilter(query, "server_id", errors);
        if (!errors.isEmpty()) {
            return Answer.fieldErrors(errors);
        }
        List<JsonNode> rows = account.snapshots.values().stream()
                .filter(s -> serverId.map(id -> s.server.id == id).orElse(true))
                .sorted(Comparator.comparingLong((Snapshot s) -> s.id).reversed())
                .map(this::json)
                .map(JsonNode.class::cast)
                .toList();
        return page(rows, query, selfUrl);
    }

    synchronized Answer createSnapshot(String token, JsonNode body) {
        Account account = refreshed(token);
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Long> serverId = requiredInteger(body, "server_id", errors);
        String name = text(body, "name", true, errors);
        if (name != null && !errors.containsKey("name")) {
            if (name.length() > NAME_MAX_LENGTH) {
                errors.put("name", "Ensure this field has no more than " + NAME_MAX_LENGTH + " characters.");
            } else if (!NAME.matcher(name).matches()) {
                errors.put("name", "Snapshot name may contain only letters, numbers, hyphens and underscores.");
            }
        }
        String description = text(body, "description", false, errors);
        if (!errors.isEmpty()) {
            return Answer.fieldErrors(errors);
        }
        Server server = account.servers.get(serverId.orElseThrow());
        if (server == null) {
            return Answer.detail(404, "Server not found.");
        }
        long existing = account.snapshots.values().stream().filter(s -> s.server == server).count();
        if (existing >= SNAPSHOTS_PER_SERVER) {
            return Answer.detail(400, "Snapshot limit reached: a server can have at most " + SNAPSHOTS_PER_SERVER
                    + " snapshots. Delete an old snapshot first.");
        }
        Snapshot snapshot = new Snapshot(nextSnapshotId++, server, name, "in_progress", null, now(),
                description == null ? "" : description);
        account.snapshots.put(snapshot.id, snapshot);
        return Answer.json(201, json(snapshot).put("message", SNAPSHOT_CREATED));
    }

    synchronized Answer restoreSnapshot(String token, long snapshotId) {
        Account account = refreshed(token);
        Snapshot snapshot = account.snapshots.get(snapshotId);
        if (snapshot == null) {
            return Answer.detail(404, "Snapshot not found.");
        }
        if (!"completed".equals(snapshot.status)) {
            return Answer.detail(400, "Snapshot is not completed and cannot be restored.");
        }
        Optional<Answer> refused = refuseRestore(snapshot.server);
        if (refused.isPresent()) {
            return refused.get();
        }
        beginRestore(snapshot.server);
        ObjectNode answer = Answer.JSON.createObjectNode();
        answer.put("status", "success");
        answer.put("message", SNAPSHOT_RESTORING);
        answer.putObject("snapshot").put("id", snapshot.id).put("name", snapshot.name)
                .put("created_at", timestamp(snapshot.createdAt));
        answer.set("server", serverJson(snapshot.server).put("status", snapshot.server.status));
        return Answer.json(200, answer);
    }

    synchronized Answer deleteSnapshot(String token, long snapshotId) {
        Account account = refreshed(token);
        return account.snapshots.remove(snapshotId) == null
                ? Answer.detail(404, "Snapshot not found.") : Answer.noContent();
    }

    // ---- backups ----

    synchronized Answer listBackups(String token, Map<String, String> query, String selfUrl) {
        Account account = refreshed(token);
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Long> serverId = integerFilter(query, "server_id", errors);
        String type = query.get("backup_type");
        if (type != null && !type.isEmpty() && !type.equals("manual") && !type.equals("automatic")) {
            errors.put("backup_type", "Select a valid choice. " + type + " is not one of the available choices.");
        }
        if (!errors.isEmpty()) {
            return Answer.fieldErrors(errors);
        }
        Predicate<Backup> ofType = b -> type == null || type.isEmpty() || b.type.equals(type);
        List<JsonNode> rows = account.backups.values().stream()
                .filter(b -> serverId.map(id -> b.server.id == id).orElse(true))
                .filter(ofType)
                .sorted(Comparator.comparingLong((Backup b) -> b.id).reversed())
                .map(this::json)
                .map(JsonNode.class::cast)
                .toList();
        return page(rows, query, selfUrl);
    }

    synchronized Answer createBackup(String token, JsonNode body) {
        Account account = refreshed(token);
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Long> serverId = requiredInteger(body, "server_id", errors);
        String description = text(body, "description", false, errors);
        if (!errors.isEmpty()) {
            return Answer.fieldErrors(errors);
        }
        Server server = account.servers.get(serverId.orElseThrow());
        if (server == null) {
            return Answer.detail(404, "Server not found.");
        }
        long manual = account.backups.values().stream().filter(b -> b.server == server && "manual".equals(b.type)).count();
        if (manual >= MANUAL_BACKUPS_PER_SERVER) {
            return Answer.detail(400, "Manual backup limit reached: a server can have at most "
                    + MANUAL_BACKUPS_PER_SERVER + " manual backups. Delete an old backup first.");
        }
        Backup backup = new Backup(nextBackupId++, server, "manual", "in_progress", null, now(), null,
                description == null ? "" : description);
        account.backups.put(backup.id, backup);
        return Answer.json(201, json(backup).put("message", BACKUP_CREATED));
    }

    synchronized Answer deleteBackup(String token, long backupId) {
        Account account = refreshed(token);
        return account.backups.remove(backupId) == null
                ? Answer.detail(404, "Backup not found.") : Answer.noContent();
    }

    /** The Servers API's restore; its shape is assumed to mirror the snapshot restore (see the spec). */
    synchronized Answer restoreServerFromBackup(String token, long serverId, JsonNode body) {
        Account account = refreshed(token);
        Server server = account.servers.get(serverId);
        if (server == null) {
            return Answer.detail(404, "Server not found.");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Long> backupId = requiredInteger(body, "backup_id", errors);
        if (!errors.isEmpty()) {
            return Answer.fieldErrors(errors);
        }
        Backup backup = account.backups.get(backupId.orElseThrow());
        if (backup == null) {
            return Answer.detail(404, "Backup not found.");
        }
        if (!"completed".equals(backup.status)) {
            return Answer.detail(400, "Backup is not completed and cannot be restored.");
        }
        Optional<Answer> refused = refuseRestore(server);
        if (refused.isPresent()) {
            return refused.get();
        }
        beginRestore(server);
        ObjectNode answer = Answer.JSON.createObjectNode();
        answer.put("status", "success");
        answer.put("message", BACKUP_RESTORING);
        answer.putObject("backup").put("id", backup.id).put("backup_type", backup.type)
                .put("created_at", timestamp(backup.createdAt));
        answer.set("server", serverJson(server).put("status", server.status));
        return Answer.json(200, answer);
    }

    // ---- rules shared by both ----

    private Optional<Answer> refuseRestore(Server server) {
        return "restoring".equals(server.status)
                ? Optional.of(Answer.detail(400, "Server is not in a valid state for restoration."))
                : Optional.empty();
    }

    /** The provider stops the server, then restores: it reads {@code restoring} until the delay ends. */
    private void beginRestore(Server server) {
        server.status = "restoring";
        server.restoringUntil = now().plus(restoreDelay);
    }

    /** Applies what time has done since the last call: completions, finished restores, expiries. */
    private Account refreshed(String token) {
        Account account = accountsByToken.get(token);
        if (account == null) {
            throw new IllegalStateException("unknown token reached the provider state");
        }
        Instant now = now();
        for (Server server : account.servers.values()) {
            if ("restoring".equals(server.status) && server.restoringUntil != null && !now.isBefore(server.restoringUntil)) {
                server.status = "running";
                server.restoringUntil = null;
            }
        }
        for (Snapshot snapshot : account.snapshots.values()) {
            if ("in_progress".equals(snapshot.status) && !now.isBefore(snapshot.createdAt.plus(completionDelay))) {
                snapshot.status = "completed";
                snapshot.sizeMb = snapshot.server.diskUsedMb;
            }
        }
        for (Backup backup : account.backups.values()) {
            if ("in_progress".equals(backup.status) && !now.isBefore(backup.createdAt.plus(completionDelay))) {
                backup.status = "completed";
                backup.sizeMb = backup.server.diskUsedMb;
            }
        }
        account.backups.values().removeIf(b -> "automatic".equals(b.type) && b.expiresAt != null
                && !now.isBefore(b.expiresAt));
        return account;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    // ---- JSON, field order as in the spec's examples ----

    private ObjectNode json(Snapshot s) {
        ObjectNode node = Answer.JSON.createObjectNode();
        node.put("id", s.id);
        node.set("server", serverJson(s.server));
        node.put("name", s.name);
        node.put("status", s.status);
        putSize(node, s.sizeMb);
        node.put("created_at", timestamp(s.createdAt));
        node.put("description", s.description);
        return node;
    }

    private ObjectNode json(Backup b) {
        ObjectNode node = Answer.JSON.createObjectNode();
        node.put("id", b.id);
        node.set("server", serverJson(b.server));
        node.put("backup_type", b.type);
        node.put("status", b.status);
        putSize(node, b.sizeMb);
        node.put("created_at", timestamp(b.createdAt));
        if (b.expiresAt == null) {
            node.putNull("expires_at");
        } else {
            node.put("expires_at", timestamp(b.expiresAt));
        }
        node.put("description", b.description);
        return node;
    }

    private static ObjectNode serverJson(Server server) {
        return Answer.JSON.createObjectNode().put("id", server.id).put("name", server.name);
    }

    private static void putSize(ObjectNode node, Long sizeMb) {
        if (sizeMb == null) {
            node.putNull("size_mb");
        } else {
            node.put("size_mb", sizeMb);
        }
    }

    private static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** One page; without a page size, the whole list with no {@code next}/{@code previous} (as documented). */
    private Answer page(List<JsonNode> rows, Map<String, String> query, String selfUrl) {
        ObjectNode body = Answer.JSON.createObjectNode();
        body.put("count", rows.size());
        List<JsonNode> shown = rows;
        if (pageSize > 0) {
            int page;
            try {
                page = Integer.parseInt(query.getOrDefault("page", "1"));
            } catch (NumberFormatException e) {
                return Answer.detail(404, "Invalid page.");
            }
            int from = (page - 1) * pageSize;
            if (page < 1 || (from >= rows.size() && page != 1)) {
                return Answer.detail(404, "Invalid page.");
            }
            shown = rows.subList(from, Math.min(rows.size(), from + pageSize));
            body.put("next", from + pageSize < rows.size() ? pageUrl(selfUrl, query, page + 1) : null);
            body.put("previous", page > 1 ? pageUrl(selfUrl, query, page - 1) : null);
        }
        ArrayNode results = body.putArray("results");
        shown.forEach(results::add);
        return Answer.json(200, body);
    }

    private static String pageUrl(String selfUrl, Map<String, String> query, int page) {
        Map<String, String> params = new LinkedHashMap<>(query);
        params.put("page", Integer.toString(page));
        List<String> pairs = new ArrayList<>();
        params.forEach((k, v) -> pairs.add(k + "=" + java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        return selfUrl + "?" + String.join("&", pairs);
    }

    // ---- input checks, with DRF's wording ----

    private static Optional<Long> integerFilter(Map<String, String> query, String field, Map<String, String> errors) {
        String raw = query.get(field);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(raw));
        } catch (NumberFormatException e) {
            errors.put(field, "Enter a whole number.");
            return Optional.empty();
        }
    }

    private static Optional<Long> requiredInteger(JsonNode body, String field, Map<String, String> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            errors.put(field, "This field is required.");
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(value.asLong());
        }
        if (value.isTextual() && value.asText().matches("-?\\d{1,18}")) {
            return Optional.of(Long.parseLong(value.asText()));
        }
        errors.put(field, "A valid integer is required.");
        return Optional.empty();
    }

    private static String text(JsonNode body, String field, boolean required, Map<String, String> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.put(field, "This field is required.");
            }
            return null;
        }
        if (!value.isTextual()) {
            errors.put(field, "Not a valid string.");
            return null;
        }
        if (required && value.asText().isBlank()) {
            errors.put(field, "This field may not be blank.");
            return null;
        }
        return value.asText();
    }
}

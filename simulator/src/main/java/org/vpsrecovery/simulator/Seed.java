package org.vpsrecovery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The accounts, servers, snapshots and backups the simulator starts with, read from a small JSON
 * file (see {@code default-seed.json}: the spec's examples). {@code asOf} is the moment the seed
 * describes; {@link #shiftedTo(Instant)} moves every timestamp so that {@code asOf} becomes that
 * instant, which keeps automatic backups unexpired whenever the simulator starts.
 */
public record Seed(Instant asOf, List<AccountSeed> accounts) {

    public record AccountSeed(String token, List<ServerSeed> servers, List<SnapshotSeed> snapshots,
                              List<BackupSeed> backups) {
        public AccountSeed {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("an account needs a token");
            }
            servers = List.copyOf(servers);
            snapshots = List.copyOf(snapshots);
            backups = List.copyOf(backups);
        }
    }

    public record ServerSeed(long id, String name, String status, long diskUsedMb) {
        public ServerSeed {
            Objects.requireNonNull(name, "server name");
            Objects.requireNonNull(status, "server status");
        }
    }

    public record SnapshotSeed(long id, long serverId, String name, String status, Long sizeMb, Instant createdAt,
                               String description) {
        public SnapshotSeed {
            Objects.requireNonNull(name, "snapshot name");
            Objects.requireNonNull(status, "snapshot status");
            Objects.requireNonNull(createdAt, "snapshot created at");
            Objects.requireNonNull(description, "snapshot description (may be empty)");
        }

        SnapshotSeed shifted(Duration by) {
            return new SnapshotSeed(id, serverId, name, status, sizeMb, createdAt.plus(by), description);
        }
    }

    public record BackupSeed(long id, long serverId, String backupType, String status, Long sizeMb,
                             Instant createdAt, Instant expiresAt, String description) {
        public BackupSeed {
            Objects.requireNonNull(backupType, "backup type");
            Objects.requireNonNull(status, "backup status");
            Objects.requireNonNull(createdAt, "backup created at");
            Objects.requireNonNull(description, "backup description (may be empty)");
        }

        BackupSeed shifted(Duration by) {
            return new BackupSeed(id, serverId, backupType, status, sizeMb, createdAt.plus(by),
                    expiresAt == null ? null : expiresAt.plus(by), description);
        }
    }

    public Seed {
        Objects.requireNonNull(asOf, "as of");
        accounts = List.copyOf(accounts);
    }

    /** The spec's examples, as documented (not shifted). */
    public static Seed specExamples() {
        try (InputStream in = Seed.class.getResourceAsStream("/default-seed.json")) {
            return parse(new ObjectMapper().readTree(Objects.requireNonNull(in, "default-seed.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Seed read(Path file) {
        try {
            return parse(new ObjectMapper().readTree(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Seed shiftedTo(Instant now) {
        Duration by = Duration.between(asOf, now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        List<AccountSeed> moved = accounts.stream().map(a -> new AccountSeed(a.token(), a.servers(),
                a.snapshots().stream().map(s -> s.shifted(by)).toList(),
                a.backups().stream().map(b -> b.shifted(by)).toList())).toList();
        return new Seed(asOf.plus(by), moved);
    }

    static Seed parse(JsonNode root) {
        List<AccountSeed> accounts = new ArrayList<>();
        for (JsonNode account : root.path("accounts")) {
            List<ServerSeed> servers = new ArrayList<>();
            for (JsonNode s : account.path("servers")) {
                servers.add(new ServerSeed(s.path("id").asLong(), s.path("name").asText(),
                        s.path("status").asText("running"), s.path("disk_used_mb").asLong(1024)));
            }
            List<SnapshotSeed> snapshots = new ArrayList<>();
            for (JsonNode s : account.path("snapshots")) {
                snapshots.add(new SnapshotSeed(s.path("id").asLong(), s.path("server_id").asLong(),
                        s.path("name").asText(), s.path("status").asText(), longOrNull(s.get("size_mb")),
                        Instant.parse(s.path("created_at").asText()), s.path("description").asText("")));
            }
            List<BackupSeed> backups = new ArrayList<>();
            for (JsonNode b : account.path("backups")) {
                JsonNode expires = b.get("expires_at");
                backups.add(new BackupSeed(b.path("id").asLong(), b.path("server_id").asLong(),
                        b.path("backup_type").asText(), b.path("status").asText(), longOrNull(b.get("size_mb")),
                        Instant.parse(b.path("created_at").asText()),
                        expires == null || expires.isNull() ? null : Instant.parse(expires.asText()),
                        b.path("description").asText("")));
            }
            accounts.add(new AccountSeed(account.path("token").asText(), servers, snapshots, backups));
        }
        return new Seed(Instant.parse(root.path("as_of").asText()), accounts);
    }

    private static Long longOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asLong();
    }
}

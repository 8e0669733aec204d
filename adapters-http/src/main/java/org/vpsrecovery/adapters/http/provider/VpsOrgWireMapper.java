package org.vpsrecovery.adapters.http.provider;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.micronaut.json.tree.JsonNode;
import org.vpsrecovery.adapters.http.provider.wire.BackupWire;
import org.vpsrecovery.adapters.http.provider.wire.CreateBackupWire;
import org.vpsrecovery.adapters.http.provider.wire.CreateSnapshotWire;
import org.vpsrecovery.adapters.http.provider.wire.RestoreAnswerWire;
import org.vpsrecovery.adapters.http.provider.wire.RestoreFromBackupWire;
import org.vpsrecovery.adapters.http.provider.wire.SnapshotWire;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.CreationStatus.Phase;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.server.ServerStatus.Kind;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * The one place where VPS.org's JSON meets the domain, both ways. Lenient where the provider's
 * documentation promises little (unknown statuses kept verbatim, {@code null} sizes, descriptions
 * and expiries), strict where the platform needs a value (ids, server, creation time): a record
 * without those is unreadable, reported as {@link UnreadableAnswer}, never half-mapped.
 */
public final class VpsOrgWireMapper {

    static final int PARSED_TIMES_KEPT = 4096;
    /**
     * A restore answer's {@code status} that says VPS.org did not take it: one of these anywhere in it ("rejected",
     * "denied", "not_started", "error: busy"), case aside (session 53; before, only error/failed/failure exactly).
     */
    /**
     * A status saying no: one of these whole words ("error: busy", "Rejected"), or "not started"/"not_started" as a
     * whole. Whole words, not parts: "no_errors", "failover_started" and "not_yet_started" say yes (own-merge review of
     * session 53: a yes taken for a no is an outcome not established either).
     */
    private static final java.util.regex.Pattern RESTORE_REFUSAL_WORDS = java.util.regex.Pattern.compile(
            "(?<![a-z0-9])(error|errored|fail|failed|failure|reject|rejected|denied|refused|invalid)(?![a-z0-9])"
                    + "|^\\s*not[_ -]?started\\s*$", java.util.regex.Pattern.CASE_INSENSITIVE);
    /** An {@code error} text that says there is none. */
    private static final java.util.Set<String> NO_ERROR_WORDS = java.util.Set.of("", "none", "ok", "null", "false", "0",
            "no");
    private final Map<String, Instant> parsedTimes = new ConcurrentHashMap<>();

    /** The provider's answer has the right status but not the data the platform needs. */
    public static final class UnreadableAnswer extends RuntimeException {
        UnreadableAnswer(String message) {
            super(message, null, false, false);
        }
    }

    public List<Snapshot> snapshots(List<SnapshotWire> wires) {
        return wires == null ? List.of() : wires.stream().map(this::snapshot).toList();
    }

    public Snapshot snapshot(SnapshotWire wire) {
        if (wire == null) {
            throw new UnreadableAnswer("a snapshot is null");
        }
        try {
            return new Snapshot(new SnapshotId(required(wire.id(), "snapshot id")), serverRef(wire.server()),
                    text(wire.name()), creationStatus(word(wire.status())),
                    size(wire.sizeMb()), instant(timeText(wire.createdAt()), "snapshot created_at"),
                    text(wire.description()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UnreadableAnswer("snapshot " + wire.id() + " is unreadable: " + e.getMessage());
        }
    }

    public List<Backup> backups(List<BackupWire> wires) {
        return wires == null ? List.of() : wires.stream().map(this::backup).toList();
    }

    public Backup backup(BackupWire wire) {
        if (wire == null) {
            throw new UnreadableAnswer("a backup is null");
        }
        try {
            Optional<Instant> expiresAt = expiresAt(word(wire.expiresAt()));
            return new Backup(new BackupId(required(wire.id(), "backup id")), serverRef(wire.server()),
                    backupType(word(wire.backupType())), creationStatus(word(wire.status())), size(wire.sizeMb()),
                    instant(timeText(wire.createdAt()), "backup created_at"), expiresAt, text(wire.description()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UnreadableAnswer("backup " + wire.id() + " is unreadable: " + e.getMessage());
        }
    }

    /**
     * The answer to a restore. {@code requestedServer} is known for a restore from a backup (it is in
     * the path); if the answer does not name the server, that one is reported, its status unknown. An answer naming
     * another server is mapped as it reads: the application holds every adapter's answers to the asked server
     * ({@code ProviderAnswersOnTheAskedServer}, ADR 0010, amended in session 40).
     */
    public RestoreStarted restoreStarted(RestoreAnswerWire wire, Optional<ServerId> requestedServer) {
        try {
            // A 2xx whose status says no, or with "success": false, or an "error", is no yes: its outcome is unknown (the
            // list cannot tell). Any other word (the backup restore's answers are not documented for us: "accepted",
            // "queued", ...) or none is: VPS.org took the restore (ADR 0010, sessions 50 and 53).
            Optional<String> no = wire == null ? Optional.empty() : saysNo(wire.status(), wire.success(), wire.error());
            if (no.isPresent()) {
                throw new UnreadableAnswer("the restore answer " + no.get());
            }
            JsonNode server = wire == null ? null : wire.server();
            JsonNode id = server != null && server.isObject() ? server.get("id") : server;
            if (id == null || id.isNull()) {
                ServerId asked = requestedServer.orElseThrow(() -> new UnreadableAnswer("the restore answer names no server"));
                return new RestoreStarted(new Server(new ServerRef(asked, ""), ServerStatus.UNKNOWN));
            }
            // Which server it names decides the outcome (another's is held unknown, ProviderAnswersOnTheAskedServer): an
            // id sent but unreadable stays so. Its name and status decide nothing: a wrong type is none (session 54).
            ServerId named = new ServerId(wholeNumber(id).orElseThrow(() -> new UnreadableAnswer(
                    "the restore answer's server is " + (server.isObject() ? "an id that is no whole number" : "no id"))));
            return server.isObject()
                    ? new RestoreStarted(new Server(new ServerRef(named, text(server.get("name"))),
                            serverStatus(word(server.get("status")))))
                    : new RestoreStarted(new Server(new ServerRef(named, ""), ServerStatus.UNKNOWN));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UnreadableAnswer("the restore answer is unreadable: " + e.getMessage());
        }
    }

    /**
     * Whether a 2xx answer's body says VPS.org did not do it, and how: a {@code status} holding a refusal word, a
     * {@code "success": false}, or an {@code error} that names one (true, a word other than none/ok, a non-empty object
     * or list, a number other than 0) unless {@code success} says true (session 53, narrowed by its own-merge review).
     * Empty: it says no no.
     */
    static Optional<String> saysNo(JsonNode status, JsonNode success, JsonNode error) {
        String word = word(status);
        if (word != null && RESTORE_REFUSAL_WORDS.matcher(word).find()) {
            return Optional.of("says status " + storable(word.strip()));
        }
        String succeeded = word(success);
        if (succeeded != null && succeeded.strip().equalsIgnoreCase("false")) {
            return Optional.of("says success: false");
        }
        if (succeeded != null && succeeded.strip().equalsIgnoreCase("true")) {
            return Optional.empty();
        }
        return namesAnError(error) ? Optional.of("carries an error") : Optional.empty();
    }

    private static boolean namesAnError(JsonNode error) {
        if (error == null || error.isNull()) {
            return false;
        }
        if (error.isContainerNode()) {
            return error.size() > 0;
        }
        if (error.isBoolean()) {
            return error.getBooleanValue();
        }
        String text = word(error);
        return text != null && !NO_ERROR_WORDS.contains(text.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * VPS.org's word for a creation's status. Documented: {@code in_progress}, {@code completed};
     * assumed (ADR 0003): {@code failed}/{@code error} failed, {@code pending}/{@code creating} in
     * progress; any other word is kept as the label of an unknown status, never crashed on.
     */
    static CreationStatus creationStatus(String word) {
        return reported(word, CreationStatus.LABEL_MAX_LENGTH).map(label -> new CreationStatus(switch (label.toLowerCase(Locale.ROOT)) {
            case "in_progress", "pending", "creating" -> Phase.IN_PROGRESS;
            case "completed" -> Phase.COMPLETED;
            case "failed", "error" -> Phase.FAILED;
            default -> Phase.UNKNOWN;
        }, label)).orElse(CreationStatus.UNKNOWN);
    }

    /**
     * VPS.org's word for a backup's type: {@code manual} or {@code automatic} (documented); any other
     * word is kept as the label of an unknown type (never counted as manual), never crashed on.
     */
    static BackupType backupType(String word) {
        return reported(word, BackupType.LABEL_MAX_LENGTH).map(label -> new BackupType(switch (label.toLowerCase(Locale.ROOT)) {
            case "manual" -> BackupType.Kind.MANUAL;
            case "automatic" -> BackupType.Kind.AUTOMATIC;
            default -> BackupType.Kind.UNKNOWN;
        }, label)).orElse(BackupType.UNKNOWN);
    }

    /** VPS.org's {@code backup_type} filter word for a kind; none for a kind it does not document. */
    static Optional<String> backupTypeWord(BackupType.Kind kind) {
        return switch (kind) {
            case MANUAL -> Optional.of("manual");
            case AUTOMATIC -> Optional.of("automatic");
            case UNKNOWN -> Optional.empty();
        };
    }

    /** VPS.org's word for a server's status: only {@code restoring} is documented; others as for creations. */
    static ServerStatus serverStatus(String word) {
        return reported(word, ServerStatus.LABEL_MAX_LENGTH).map(label -> new ServerStatus(switch (label.toLowerCase(Locale.ROOT)) {
            case "running", "active" -> Kind.RUNNING;
            case "stopped", "off" -> Kind.STOPPED;
            case "restoring" -> Kind.RESTORING;
            default -> Kind.UNKNOWN;
        }, label)).orElse(ServerStatus.UNKNOWN);
    }

    /** The provider's word as a label: stripped, cut to what a label holds; empty when it sent none. */
    private static Optional<String> reported(String word, int maxLength) {
        if (word == null || word.isBlank()) {
            return Optional.empty();
        }
        String label = storable(word.strip());
        return Optional.of(label.length() > maxLength ? label.substring(0, maxLength) : label);
    }

    public CreateSnapshotWire toWire(SnapshotDraft draft) {
        return new CreateSnapshotWire(draft.server().value(), draft.name().value(),
                draft.description().map(Description::value).orElse(null));
    }

    public CreateBackupWire toWire(BackupDraft draft) {
        return new CreateBackupWire(draft.server().value(), draft.description().map(Description::value).orElse(null));
    }

    public RestoreFromBackupWire toWire(BackupId backup) {
        return new RestoreFromBackupWire(backup.value());
    }

    /**
     * A listed point's server: {@code {"id": n, "name": ...}} as documented; a bare id (a number, or digits in a string) is
     * read as that server, unnamed. Its id is required: without it the point's owner is unknown.
     */
    private static ServerRef serverRef(JsonNode server) {
        if (server == null || server.isNull()) {
            throw new UnreadableAnswer("server is missing");
        }
        if (server.isObject()) {
            return new ServerRef(new ServerId(required(wholeNumber(server.get("id")).orElse(null), "server id")),
                    text(server.get("name")));
        }
        return new ServerRef(new ServerId(required(wholeNumber(server).orElse(null), "server id")), "");
    }

    /** A whole number sent as a number or as digits in a string; empty for anything else. */
    private static Optional<Long> wholeNumber(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            java.math.BigDecimal value = node.getBigDecimalValue();
            try {
                return Optional.of(value.longValueExact());
            } catch (ArithmeticException notWhole) {
                return Optional.empty();
            }
        }
        if (node.isString() && node.getStringValue().strip().matches("-?[0-9]{1,18}")) {
            return Optional.of(Long.parseLong(node.getStringValue().strip()));
        }
        return Optional.empty();
    }

    /**
     * A field VPS.org documents as a word (a status, a type, a description, a time): its text when it sent a string (or a
     * number or boolean, as their JSON text), null for anything else (an object, a list, null), so a field of a wrong
     * type is read as none, never making the answer unreadable (session 53).
     */
    static String word(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        return node.isString() ? node.getStringValue() : node.coerceStringValue();
    }

    /**
     * A page's {@code next} link: a string, else none ({@code {"href": null}}, a number): the page is then the last, and a
     * {@code count} it falls short of is caught as a list that changed (ADR 0010).
     */
    static String link(JsonNode next) {
        return next != null && next.isString() ? next.getStringValue() : null;
    }

    private static String text(JsonNode node) {
        return text(word(node));
    }

    private static long required(Long value, String what) {
        if (value == null) {
            throw new UnreadableAnswer(what + " is missing");
        }
        return value;
    }

    /**
     * Read leniently (docs/vpsorg-api.md): a size no recovery point can have (negative), or not a number (an object,
     * "5 GB"), is read as none, as a {@code null} is, rather than make the whole list, every team's, unreadable; digits in
     * a string are read as the number.
     */
    private static OptionalLong size(JsonNode sizeMb) {
        Double megabytes = null;
        if (sizeMb != null && sizeMb.isNumber()) {
            megabytes = sizeMb.getDoubleValue();
        } else if (sizeMb != null && sizeMb.isString()) {
            try {
                megabytes = Double.valueOf(sizeMb.getStringValue().strip());
            } catch (NumberFormatException notANumber) {
                return OptionalLong.empty(); // "5 GB": none, as a null is
            }
        }
        return megabytes == null || megabytes.isNaN() || megabytes < 0 || megabytes.isInfinite()
                ? OptionalLong.empty() : OptionalLong.of(Math.round(megabytes));
    }

    /**
     * Read leniently (docs/vpsorg-api.md): only id, server.id and created_at may make an answer unreadable. A date
     * without a time is the start of that day in UTC, the earliest instant it can mean, so the platform never counts on
     * an automatic backup longer than VPS.org may keep it; anything else unreadable is no expiry, as {@code null} is.
     */
    private Optional<Instant> expiresAt(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(instant(value, "backup expires_at"));
        } catch (UnreadableAnswer notATime) {
            try {
                // Not kept with the parsed times: the same text as a created_at stays unreadable.
                return Optional.of(LocalDate.parse(value.strip()).atStartOfDay(ZoneOffset.UTC).toInstant());
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String text(String value) {
        return value == null ? "" : storable(value);
    }

    /**
     * The provider's text with NUL as U+FFFD: PostgreSQL refuses NUL in text and jsonb (22P05), and a name VPS.org
     * lets through, stored in a drift or an audit detail, would fail that server's every scan. Replaced here, where
     * provider text enters, so every store and every answer to a team sees the same text.
     */
    static String storable(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    /**
     * A list answer names the same snapshots' times on every read: each text is parsed once (java.time's parser was
     * ~5 % of a team's list, ADR 0127). Bounded: emptied when full, as times of deleted snapshots stay behind.
     */
    private Instant instant(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new UnreadableAnswer(what + " is missing");
        }
        Instant known = parsedTimes.get(value);
        if (known != null) {
            return known;
        }
        Instant parsed = parsedInstant(value, what);
        if (parsedTimes.size() >= PARSED_TIMES_KEPT) {
            parsedTimes.clear();
        }
        parsedTimes.put(value, parsed);
        return parsed;
    }

    /** A time as sent: its text (a number's too, for an epoch); null (then missing) for an object or a list. */
    private static String timeText(JsonNode node) {
        return word(node);
    }

    /**
     * ISO-8601 as documented ({@code 2025-01-15T18:30:00Z}), and the variants a server framework may send instead (session
     * 53): a space for the {@code T}, an offset with or without its colon ({@code +0000}), a zone id after it
     * ({@code Z[UTC]}), none (read as UTC). Optional sections of one formatter, not hand parsing.
     */
    private static final java.time.format.DateTimeFormatter LENIENT_ISO = new java.time.format.DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(java.time.format.DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']').optionalEnd()
            .toFormatter(Locale.ROOT);

    /**
     * A time as {@link #LENIENT_ISO} reads it, else an RFC 1123 date ({@code Wed, 15 Jan 2025 18:30:00 GMT}), else whole
     * seconds since the epoch ({@code 1736965800}, sent as a number or as digits).
     */
    private static Instant parsedInstant(String value, String what) {
        String text = value.strip();
        try {
            java.time.temporal.TemporalAccessor read = LENIENT_ISO.parse(text);
            // The offset when one is given: it names the instant even in an hour the fall-back repeats, where the
            // region alone would pick the earlier offset (own-merge review of session 53); the region only without one.
            ZoneOffset offset = read.query(java.time.temporal.TemporalQueries.offset());
            if (offset != null) {
                return LocalDateTime.from(read).toInstant(offset);
            }
            java.time.ZoneId zone = read.query(java.time.temporal.TemporalQueries.zone());
            return LocalDateTime.from(read).atZone(zone == null ? ZoneOffset.UTC : zone).toInstant();
        } catch (java.time.DateTimeException notIso) {
            try {
                return java.time.ZonedDateTime.parse(text, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException notRfc1123) {
                if (text.matches("[0-9]{9,11}")) {
                    return Instant.ofEpochSecond(Long.parseLong(text));
                }
                throw new UnreadableAnswer(what + " is not an ISO-8601 time");
            }
        }
    }
}

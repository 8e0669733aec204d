package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.provider.wire.BackupWire;
import org.vpsrecovery.adapters.http.provider.wire.SnapshotWire;
import org.vpsrecovery.domain.backup.Backup;

/**
 * Session 37: docs/vpsorg-api.md reads {@code size_mb} and {@code expires_at} leniently; only id, server.id and
 * created_at may make an answer unreadable. One odd backup anywhere in the account made the whole list, every team's
 * reads, deletes and restores, MALFORMED_RESPONSE (502).
 */
class VpsOrgWireMapperLenientValuesTest {

    private final VpsOrgWireMapper mapper = new VpsOrgWireMapper();

    private static BackupWire backup(long id, Double sizeMb, String createdAt, String expiresAt) {
        return new BackupWire(id, server(12345L, "web-server-01"), json("automatic"), json("completed"), json(sizeMb),
                json(createdAt), json(expiresAt), json("Automatic daily backup"), null);
    }

    /** A wire value as VPS.org's JSON would carry it (null: the field absent). */
    static io.micronaut.json.tree.JsonNode json(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof Number number ? io.micronaut.json.tree.JsonNode.createNumberNode(number.doubleValue())
                : io.micronaut.json.tree.JsonNode.createStringNode(value.toString());
    }

    static io.micronaut.json.tree.JsonNode server(long id, String name) {
        return io.micronaut.json.tree.JsonNode.createObjectNode(java.util.Map.of(
                "id", io.micronaut.json.tree.JsonNode.createNumberNode(id), "name", json(name)));
    }


    @Test
    void aNegativeSizeAndAnUnreadableExpiryLeaveTheRestOfTheListReadable() {
        List<Backup> read = mapper.backups(List.of(
                backup(501, 4523.0, "2025-01-16T03:00:00Z", "2025-02-16T03:00:00Z"),
                backup(502, -1.0, "2025-01-16T03:00:00Z", "2025-02-16T03:00:00Z"),
                backup(503, 10.0, "2025-01-16T03:00:00Z", "2025-02-16"),
                backup(504, 10.0, "2025-01-16T03:00:00Z", "next month")));

        assertThat(read).extracting(b -> b.id().value()).containsExactly(501L, 502L, 503L, 504L);
        assertThat(read.get(0).sizeMb()).hasValue(4523);
        assertThat(read.get(1).sizeMb()).as("negative: no size, as null").isEmpty();
        assertThat(read.get(2).expiresAt()).as("a date alone: the start of that day, UTC")
                .contains(Instant.parse("2025-02-16T00:00:00Z"));
        assertThat(read.get(3).expiresAt()).as("unreadable: no expiry, as null").isEmpty();
    }

    @Test
    void aSnapshotsNegativeSizeIsNoSize() {
        assertThat(mapper.snapshot(new SnapshotWire(801L, server(12345L, "web"), json("nightly"), json("completed"),
                json(-5.0), json("2025-01-15T18:30:00Z"), json(""), null)).sizeMb()).isEmpty();
    }

    @Test
    void createdAtStaysStrictEvenAsADateAloneAndAfterTheSameTextWasReadAsAnExpiry() {
        assertThat(mapper.backup(backup(503, 10.0, "2025-01-16T03:00:00Z", "2025-02-16")).expiresAt()).isPresent();

        assertThatThrownBy(() -> mapper.backup(backup(505, 10.0, "2025-02-16", null)))
                .isInstanceOf(VpsOrgWireMapper.UnreadableAnswer.class).hasMessageContaining("created_at");
    }
}

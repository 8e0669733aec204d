package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * Session 53 (review "apishape"): one optional field of a wrong type on one listed point made the whole account's list
 * unreadable (MALFORMED_RESPONSE: every team's unfiltered list, restore and delete by id 502). Only id, server.id and
 * created_at are required (docs/vpsorg-api.md); any other field of a wrong type is read as none, over real HTTP.
 */
class WrongTypedFieldsContractTest {

    private static final String SNAPSHOT = """
            {"id": 801, "server": {"id": 12345, "name": "web"}, "name": "nightly", "status": "completed",
             "size_mb": 5120, "created_at": "2025-01-15T18:30:00Z", "description": "d"}""";
    private static final String OTHER = """
            {"id": 802, "server": {"id": 12346, "name": "db"}, "name": "other", "status": "completed",
             "size_mb": 10, "created_at": "2025-01-15T18:30:00Z", "description": ""}""";
    private static final String BACKUP = """
            {"id": 501, "server": {"id": 12345, "name": "web"}, "backup_type": "manual", "status": "completed",
             "size_mb": 4523, "created_at": "2025-01-16T03:00:00Z", "expires_at": null, "description": "d"}""";

    private static <T> T listedFrom(String body, java.util.function.Function<VpsOrgClient, T> call) {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) ->
                LoopbackProvider.json(exchange, 200, body));
             VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            return call.apply(client);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Snapshot> snapshotsListed(String... results) {
        return listedFrom("{\"count\": " + results.length + ", \"results\": [" + String.join(",", results) + "]}",
                client -> client.listSnapshots(Optional.empty()));
    }

    /** Each: the field as documented, then as sent in a wrong type. */
    @ParameterizedTest
    @ValueSource(strings = {
            "\"description\": \"d\"|\"description\": {\"en\": \"d\"}",
            "\"description\": \"d\"|\"description\": [\"d\"]",
            "\"size_mb\": 5120|\"size_mb\": {\"value\": 5120}",
            "\"size_mb\": 5120|\"size_mb\": \"5 GB\"",
            "\"status\": \"completed\"|\"status\": {\"code\": \"completed\"}",
            "\"name\": \"nightly\"|\"name\": {\"text\": \"nightly\"}"})
    void aWrongTypedOptionalFieldIsReadAsNoneAndTheRestOfTheListAsItIs(String documentedThenSent) {
        String documented = documentedThenSent.substring(0, documentedThenSent.indexOf('|'));
        String sent = documentedThenSent.substring(documentedThenSent.indexOf('|') + 1);
        assertThat(SNAPSHOT).contains(documented);

        List<Snapshot> listed = snapshotsListed(SNAPSHOT.replace(documented, sent), OTHER);

        assertThat(listed).extracting(s -> s.id().value()).containsExactly(801L, 802L);
        Snapshot read = listed.get(0);
        assertThat(read.server().id()).isEqualTo(new ServerId(12345));
        switch (documented.substring(0, documented.indexOf(':'))) {
            case "\"description\"" -> assertThat(read.description()).isEmpty();
            case "\"size_mb\"" -> assertThat(read.sizeMb()).isEmpty();
            case "\"status\"" -> assertThat(read.status()).isEqualTo(CreationStatus.UNKNOWN);
            default -> assertThat(read.name()).isEmpty();
        }
    }

    @Test
    void aServerSentAsItsBareIdIsThatServerAndDigitsInAStringAreASize() {
        List<Snapshot> listed = snapshotsListed(
                SNAPSHOT.replace("{\"id\": 12345, \"name\": \"web\"}", "12345").replace("5120", "\"5120\""));

        assertThat(listed).singleElement().satisfies(s -> {
            assertThat(s.server().id()).isEqualTo(new ServerId(12345));
            assertThat(s.sizeMb()).hasValue(5120);
        });
    }

    @Test
    void aBackupsWrongTypedTypeStatusAndExpiryAreNone() {
        List<Backup> listed = listedFrom("{\"count\": 1, \"results\": [" + BACKUP
                        .replace("\"backup_type\": \"manual\"", "\"backup_type\": {\"kind\": \"manual\"}")
                        .replace("\"expires_at\": null", "\"expires_at\": {\"at\": \"soon\"}")
                        .replace("\"description\": \"d\"", "\"description\": 7") + "]}",
                client -> client.listBackups(Optional.empty(), Optional.empty()));

        assertThat(listed).singleElement().satisfies(b -> {
            assertThat(b.isManual()).as("an unknown type is never counted manual").isFalse();
            assertThat(b.expiresAt()).isEmpty();
            assertThat(b.description()).isEqualTo("7");
        });
    }

    @Test
    void aNextLinkNotAStringIsNoNextPage() {
        List<Snapshot> listed = listedFrom("{\"count\": 1, \"next\": {\"href\": null}, \"results\": [" + SNAPSHOT + "]}",
                client -> client.listSnapshots(Optional.empty()));

        assertThat(listed).extracting(s -> s.id().value()).containsExactly(801L);
    }

    /**
     * Session 53: a created_at in a framework's other ISO shape, RFC 1123 or epoch seconds made the whole list
     * unreadable; each is now read as the instant it names (java.time's formatter with optional sections).
     */
    @ParameterizedTest
    @ValueSource(strings = {"\"2025-01-15 18:30:00\"", "\"2025-01-15T18:30:00+0000\"", "\"2025-01-15T20:30:00+0200\"",
            "\"2025-01-15T18:30:00Z[UTC]\"", "\"2025-01-15T18:30:00.000Z\"", "\"Wed, 15 Jan 2025 18:30:00 GMT\"",
            "1736965800", "\"1736965800\"", "\"2025-01-15t18:30:00z\""})
    void aCreatedAtInAnotherShapeIsReadAsTheInstantItNames(String createdAt) {
        List<Snapshot> listed = snapshotsListed(SNAPSHOT.replace("\"2025-01-15T18:30:00Z\"", createdAt));

        assertThat(listed).singleElement().satisfies(s ->
                assertThat(s.createdAt()).isEqualTo(java.time.Instant.parse("2025-01-15T18:30:00Z")));
    }

    /** Own-merge review of session 53: in an hour the fall-back repeats, the offset given names the instant, not the region. */
    @Test
    void aCreatedAtWithAnOffsetAndARegionIsReadByItsOffset() {
        List<Snapshot> listed = snapshotsListed(SNAPSHOT.replace("\"2025-01-15T18:30:00Z\"",
                "\"2025-10-26T02:30:00+01:00[Europe/Berlin]\""));

        assertThat(listed).singleElement().satisfies(s ->
                assertThat(s.createdAt()).isEqualTo(java.time.Instant.parse("2025-10-26T01:30:00Z")));
    }

    @Test
    void theRequiredFieldsStayStrict() {
        assertThatThrownBy(() -> snapshotsListed(SNAPSHOT.replace("\"id\": 12345, ", "")))
                .isInstanceOfSatisfying(ProviderFailure.class,
                        failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.MALFORMED_RESPONSE));
        assertThatThrownBy(() -> snapshotsListed(SNAPSHOT.replace("\"2025-01-15T18:30:00Z\"", "\"2025-01-15\"")))
                .isInstanceOfSatisfying(ProviderFailure.class,
                        failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.MALFORMED_RESPONSE));
        assertThatThrownBy(() -> snapshotsListed(SNAPSHOT.replace("\"2025-01-15T18:30:00Z\"", "{\"at\": 1}")))
                .isInstanceOfSatisfying(ProviderFailure.class,
                        failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.MALFORMED_RESPONSE));
    }
}

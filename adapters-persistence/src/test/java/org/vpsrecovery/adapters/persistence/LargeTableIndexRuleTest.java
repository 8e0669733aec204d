package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build fails when a migration above V77 builds an index on a large table inside its transaction, or builds one
 * CONCURRENTLY without its non-transactional script config or the drop of an invalid leftover first, or adds a unique or
 * primary key constraint to one (its index built under ACCESS EXCLUSIVE); repeatable scripts and versions written with
 * {@code _} are checked, a script with no Flyway name fails (ADR 0142, amended in session 56). The samples in {@code migration-rule-samples/} show the rule failing; the real migrations pass it.
 */
class LargeTableIndexRuleTest {

    @Test
    void theServiceMigrationsBuildNoIndexOnALargeTableThatRefusesAppends() throws Exception {
        List<String> broken = LargeTableIndexRule.brokenIn(Path.of("src/main/resources/db/migration"));

        assertThat(broken).as(String.join("\n", broken)).isEmpty();
    }

    @Test
    void aPlainIndexOnALargeTableFailsSayingHowToWriteIt() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("V78__"))
                .singleElement().asString()
                .contains("builds index audit_event_by_actor on the large table audit_event without CONCURRENTLY")
                .contains("DROP INDEX CONCURRENTLY IF EXISTS audit_event_by_actor; CREATE INDEX CONCURRENTLY "
                        + "audit_event_by_actor ON audit_event (...);")
                .contains("`V78__plain_index_on_audit_event.sql.conf` beside it holding `executeInTransaction=false`")
                .contains("invalid index");
    }

    @Test
    void aConcurrentBuildWithoutItsNonTransactionalConfigFails() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("V79__"))
                .singleElement().asString()
                .contains("builds index recovery_operation_by_kind CONCURRENTLY without "
                        + "`V79__concurrent_index_without_conf.sql.conf` holding `executeInTransaction=false`");
    }

    @Test
    void aConcurrentBuildWithoutTheDropOfAnInvalidLeftoverFirstFails() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("V80__"))
                .singleElement().asString()
                .contains("builds index hold_by_team CONCURRENTLY without `DROP INDEX CONCURRENTLY IF EXISTS "
                        + "hold_by_team` before it");
    }

    @Test
    void aSchemaQualifiedUniqueIndexOnALargeTableIsCaughtToo() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("V83__"))
                .singleElement().asString()
                .contains("builds index webhook_delivery_once on the large table webhook_delivery without CONCURRENTLY");
    }

    @Test
    void aVersionWhosePartsAreJoinedByAnUnderscoreIsChecked() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("V84_1__"))
                .singleElement().asString()
                .contains("builds index audit_event_by_kind on the large table audit_event without CONCURRENTLY");
    }

    @Test
    void aRepeatableScriptIsChecked() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("R__"))
                .singleElement().asString()
                .contains("builds index webhook_delivery_by_state on the large table webhook_delivery without "
                        + "CONCURRENTLY");
    }

    @Test
    void aUniqueOrPrimaryKeyConstraintAddedToALargeTableFailsUnlessItAttachesABuiltIndex() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("V85__"))
                .satisfiesExactly(
                        unique -> assertThat(unique).contains("adds a UNIQUE constraint to the large table "
                                + "recovery_operation, which builds its index under ACCESS EXCLUSIVE")
                                .contains("USING INDEX"),
                        primaryKey -> assertThat(primaryKey).contains("adds a PRIMARY KEY constraint to the large "
                                + "table audit_event"));
    }

    @Test
    void aScriptWithNoFlywayMigrationNameFails() throws Exception {
        assertThat(brokenSamples()).filteredOn(message -> message.startsWith("V86_missing"))
                .singleElement().asString()
                .contains("is no Flyway migration name (V<version>__<name>.sql");
    }

    @Test
    void aConcurrentBuildWrittenRightAPlainIndexOnASmallTableAndMigrationsUpToV77Pass() throws Exception {
        assertThat(brokenSamples()).noneMatch(message -> message.startsWith("V81__") || message.startsWith("V82__")
                || message.startsWith("V40__"));
        assertThat(brokenSamples()).hasSize(9);
    }

    private static List<String> brokenSamples() throws Exception {
        return LargeTableIndexRule.brokenIn(samples());
    }

    private static Path samples() throws URISyntaxException {
        return Path.of(LargeTableIndexRuleTest.class.getClassLoader().getResource("migration-rule-samples").toURI());
    }
}

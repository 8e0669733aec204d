package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;

class FlywayMigrationTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    @Test
    void migratesAnEmptyDatabaseAndIsThenUpToDate() throws SQLException {
        Flyway flyway = TestFlyway.configure().dataSource(DATABASE.dataSource()).locations("classpath:db/migration").load();

        MigrateResult first = flyway.migrate();
        MigrateResult second = flyway.migrate();

        assertThat(first.success).isTrue();
        assertThat(first.migrationsExecuted).isEqualTo(68); // V1-V10, V12-V18, V20-V25, V28-V30, V33-V41, V43, V45-V48, V50-V77 (V11, V19 kept free; V42, V44, V49 unused)
        assertThat(second.migrationsExecuted).isZero();
        assertThat(strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_name <> 'flyway_schema_history' ORDER BY table_name"))
                .containsExactly("audit_chain_head", "audit_count_delta", "audit_daily_group_count", "audit_daily_platform_count", "audit_daily_reason_count", "audit_event", "audit_event_day_sequence", "audit_monthly_count", "audit_monthly_group_count", "automatic_backup_sighting", "console_session", "console_sign_in_form_key", "idempotency_record",
                        "intent_walk_mark",
                        "pending_change", "recovery_operation", "recovery_point_drift", "recovery_point_hold", "recovery_policy",
                        "scheduled_tasks", "team_call_slot", "team_rate_bucket", "webhook_delivery",
                        "webhook_subscription");
        assertThat(strings("SELECT column_name || ' ' || data_type FROM information_schema.columns "
                + "WHERE table_name IN ('audit_event', 'idempotency_record') AND data_type LIKE 'timestamp%' "
                + "ORDER BY 1"))
                .containsExactly("created_at timestamp with time zone", "expires_at timestamp with time zone",
                        "lease_until timestamp with time zone", "occurred_at timestamp with time zone");
        // One statement trigger keeps the day bounds and the counts (V41), besides V1's guards.
        assertThat(strings("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal "
                + "ORDER BY 1"))
                .containsExactly("audit_event_added", "audit_event_append_only", "audit_event_no_truncate");
        assertThat(strings("SELECT indexname FROM pg_indexes WHERE tablename = 'audit_event' ORDER BY 1"))
                .contains("audit_event_request",
                        "audit_event_team_operation_sequence", "audit_event_server_restores",
                        "audit_event_team_outcome_sequence", "audit_event_team_reason_sequence",
                        "audit_event_final_outcome_attempt")
                // V38 and V50: no read used them (ADRs 0074, 0112).
                .doesNotContain("audit_event_intents", "audit_event_attempt", "audit_event_server_time",
                        "audit_event_team_time");
        assertThat(strings("SELECT last_sequence || ' ' || encode(last_hash, 'hex') FROM audit_chain_head"))
                .containsExactly("0 " + "0".repeat(64));
        // Every audited operation name is allowed, V12's among them, and nothing else.
        assertThat(strings("SELECT m[1] FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([A-Z_]+)''', 'g') m "
                + "WHERE c.conname = 'audit_event_operation_check' ORDER BY 1"))
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(org.vpsrecovery.domain.audit.Operation.values())
                        .map(Enum::name).toList());
        assertThat(strings("SELECT m[1] FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([A-Z_]+)''', 'g') m "
                + "WHERE c.conname = 'audit_event_outcome_kind_check' ORDER BY 1"))
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(org.vpsrecovery.domain.audit.Outcome.Kind.values())
                        .map(Enum::name).toList());
        // V15/V16 add it NOT VALID (no scan under their lock); V20 validates it.
        assertThat(strings("SELECT conname || ' ' || convalidated FROM pg_constraint "
                + "WHERE conrelid = 'audit_event'::regclass AND contype = 'c' AND NOT convalidated")).isEmpty();
        assertThat(strings("SELECT convalidated::text FROM pg_constraint WHERE conname = 'audit_event_operation_check'"))
                .containsExactly("true");
        // The indexes V15 and V17 build: present and valid.
        assertThat(strings("SELECT c.relname || ' ' || i.indisvalid || ' ' || i.indisready FROM pg_index i "
                + "JOIN pg_class c ON c.oid = i.indexrelid "
                + "WHERE c.relname IN ('audit_event_actor_subject', 'recovery_operation_resource') ORDER BY 1"))
                .containsExactly("audit_event_actor_subject true true", "recovery_operation_resource true true");
        assertThat(strings("SELECT rolname || ' ' || rolcanlogin FROM pg_roles WHERE rolname = 'vpsr_app'"))
                .containsExactly("vpsr_app false");
        assertThat(strings("SELECT table_name || ' ' || string_agg(privilege_type, ',' ORDER BY privilege_type) "
                + "FROM information_schema.role_table_grants WHERE grantee = 'vpsr_app' GROUP BY table_name ORDER BY 1"))
                .containsExactly("audit_chain_head SELECT,UPDATE",
                        // what the reads of a period trust is read only: the append trigger and the fold write
                        // the deltas, the days' sequence bounds and the counts as their owner (V55, ADR 0119)
                        "audit_count_delta SELECT",
                        "audit_daily_group_count SELECT", "audit_daily_platform_count SELECT",
                        "audit_daily_reason_count SELECT", "audit_event INSERT,SELECT",
                        "audit_event_day_sequence SELECT",
                        "audit_monthly_count SELECT",
                        "audit_monthly_group_count SELECT",
                        // the drift scans' memory of automatic backups is replaced each scan
                        "automatic_backup_sighting DELETE,INSERT,SELECT,UPDATE",
                        // console sessions are opened, seen (idle expiry), signed out or purged (ADR 0041)
                        "console_session DELETE,INSERT,SELECT,UPDATE",
                        // the sign-in form's key is stored once and read, never replaced (V70, ADR 0041)
                        "console_sign_in_form_key INSERT,SELECT",
                        "idempotency_record DELETE,INSERT,SELECT,UPDATE",
                        // reconciliation's mark is read and moved, never added or removed (V66, ADR 0076)
                        "intent_walk_mark SELECT,UPDATE",
                        // a change waiting for a second person is decided, never removed (ADR 0043)
                        "pending_change INSERT,SELECT,UPDATE",
                        // operations are moved, never removed; the scheduler's own rows come and go
                        "recovery_operation INSERT,SELECT,UPDATE",
                        // a drift is recorded once and resolved once, never removed
                        "recovery_point_drift INSERT,SELECT,UPDATE",
                        // holds are placed and released, never removed
                        "recovery_point_hold INSERT,SELECT,UPDATE",
                        // a policy is made, replaced (a new version) and deleted; its history is in the audit events
                        "recovery_policy DELETE,INSERT,SELECT,UPDATE", "scheduled_tasks DELETE,INSERT,SELECT,UPDATE",
                        // the fair share's buckets and call slots come and go (ADR 0037)
                        "team_call_slot DELETE,INSERT,SELECT,UPDATE", "team_rate_bucket DELETE,INSERT,SELECT,UPDATE",
                        // deliveries move from pending to delivered or dead; a subscription is made or deleted, never edited
                        "webhook_delivery DELETE,INSERT,SELECT,UPDATE", "webhook_subscription DELETE,INSERT,SELECT");
        // Their writers run as the owner of the tables, on a search path no caller's object can shadow (V55); the
        // service may call the fold, nobody the trigger's function.
        assertThat(strings("SELECT p.proname || ' ' || p.prosecdef || ' ' || array_to_string(p.proconfig, ';') || ' '"
                + " || (p.proowner = c.relowner) || ' ' || has_function_privilege('vpsr_app', p.oid, 'EXECUTE') || ' '"
                + " || has_function_privilege('public', p.oid, 'EXECUTE')"
                + " FROM pg_proc p, pg_class c WHERE c.oid = 'audit_count_delta'::regclass"
                + " AND p.proname IN ('audit_event_added', 'audit_count_fold') ORDER BY 1"))
                .containsExactly("audit_count_fold true search_path=pg_catalog, public, pg_temp true true false",
                        "audit_event_added true search_path=pg_catalog, public, pg_temp true false false");
    }

    @Test
    void theSharedServerIsTheExpectedMajorVersion() throws SQLException {
        List<String> version = strings("SHOW server_version_num");
        if (PostgresServer.shared().source() != PostgresServer.Source.ENVIRONMENT) {
            assertThat(Integer.parseInt(version.get(0)) / 10000).isEqualTo(17);
        } else {
            assertThat(Integer.parseInt(version.get(0))).isGreaterThanOrEqualTo(130000);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        return DATABASE.database().strings(sql);
    }
}

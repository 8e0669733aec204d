package org.vpsrecovery.adapters.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.contract.AuditHistoryContract;

/** The contract against PostgreSQL, through the adapter as the service wires it (a fresh database each test). */
class JdbcAuditHistoryContractTest extends AuditHistoryContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private DataSource database;

    @Override
    protected AuditHistory emptyHistory() {
        TestDatabase fresh = DATABASE.anotherMigrated();
        database = fresh.dataSource();
        return contexts.on(fresh).getBean(AuditHistory.class);
    }

    /** The operation's row as the service's repository writes it (V6), in the history's own database. */
    @Override
    protected void operationStored(RecoveryOperation accepted, RecoveryOperation now) {
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, resource_id, state,"
                        + " accepted_at, updated_at, deadline, next_check_at, checks, version)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, now.id().value());
            insert.setString(2, now.team().value());
            insert.setString(3, now.requestId().value());
            insert.setString(4, now.kind().name());
            insert.setLong(5, now.server().value());
            insert.setString(6, now.resource().map(r -> r.type().name()).orElse(null));
            insert.setObject(7, now.resource().map(r -> r.id()).orElse(null));
            insert.setString(8, now.state().wireName());
            insert.setObject(9, OffsetDateTime.ofInstant(now.acceptedAt(), ZoneOffset.UTC));
            insert.setObject(10, OffsetDateTime.ofInstant(now.updatedAt(), ZoneOffset.UTC));
            insert.setObject(11, OffsetDateTime.ofInstant(now.deadline(), ZoneOffset.UTC));
            insert.setObject(12, OffsetDateTime.ofInstant(now.nextCheckAt(), ZoneOffset.UTC));
            insert.setInt(13, now.checks());
            insert.setInt(14, now.version());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void operationMoved(RecoveryOperation before, RecoveryOperation now) {
        try (Connection connection = database.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE recovery_operation SET state = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?")) {
            update.setString(1, now.state().wireName());
            update.setObject(2, OffsetDateTime.ofInstant(now.updatedAt(), ZoneOffset.UTC));
            update.setInt(3, now.version());
            update.setObject(4, now.id().value());
            update.setInt(5, before.version());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("operation " + now.id() + " was not at version " + before.version());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

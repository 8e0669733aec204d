package org.vpsrecovery.adapters.persistence.operation;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.contract.RecoveryOperationsContract;

/** The operations contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationRowsContractTest extends RecoveryOperationsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private ApplicationContext context;

    @BeforeAll
    void startContext() {
        context = ApplicationContext.run(Map.of(
                "datasources.default.url", DATABASE.database().url(),
                "datasources.default.username", DATABASE.database().user(),
                "datasources.default.password", DATABASE.database().password(),
                "datasources.default.dialect", "POSTGRES",
                "flyway.datasources.default.enabled", false));
    }

    @AfterAll
    void stopContext() {
        context.close();
    }

    @Override
    protected RecoveryOperations emptyOperations() {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM recovery_operation");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return context.getBean(RecoveryOperations.class);
    }
}

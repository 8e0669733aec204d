package org.vpsrecovery.adapters.persistence.policy;

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
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.contract.RecoveryPoliciesContract;

/** The policies contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyRowsContractTest extends RecoveryPoliciesContract {

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
    protected RecoveryPolicies emptyPolicies() {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM recovery_policy");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return context.getBean(RecoveryPolicies.class);
    }
}

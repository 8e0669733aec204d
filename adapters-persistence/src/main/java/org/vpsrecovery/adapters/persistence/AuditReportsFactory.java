package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.AuditReports;

/** The audit reports over the default DataSource (beside PostgresAdapterFactory's writers). */
@Factory
@Requires(beans = DataSource.class)
public class AuditReportsFactory {

    @Singleton
    AuditReports auditReports(DataSource dataSource) {
        return new JdbcAuditReports(PostgresAdapterFactory.pooled(dataSource));
    }
}

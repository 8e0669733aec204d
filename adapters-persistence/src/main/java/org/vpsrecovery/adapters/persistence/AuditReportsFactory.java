package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.AuditCountDeltas;
import org.vpsrecovery.domain.port.AuditReports;

/** The audit reports, through the audit table's Micronaut Data repository. */
@Factory
@Requires(beans = DataSource.class)
public class AuditReportsFactory {

    @Singleton
    AuditReports auditReports(AuditEventRows rows, DataSource dataSource) {
        return new JdbcAuditReports(rows, PostgresAdapterFactory.pooled(dataSource));
    }

    /** The fold of the appends' count deltas (V52, ADR 0119), run by a cluster job. */
    @Singleton
    AuditCountDeltas auditCountDeltas(DataSource dataSource) {
        return new JdbcAuditCountDeltas(PostgresAdapterFactory.pooled(dataSource));
    }
}

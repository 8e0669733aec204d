package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.ChainPositions;

/** Where the audit chain stands, through the repositories (for taking and checking checkpoints). */
@Factory
@Requires(beans = DataSource.class)
public class AuditChainFactory {

    @Singleton
    ChainPositions chainPositions(ChainHeadRowRepository head, AuditEventRowRepository events) {
        return new JdbcChainPositions(head, events);
    }
}

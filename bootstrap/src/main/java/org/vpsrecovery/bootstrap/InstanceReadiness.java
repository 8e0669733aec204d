package org.vpsrecovery.bootstrap;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.flyway.event.MigrationFinishedEvent;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Whether this instance should be sent requests ({@code /health/readiness}): the database migrations
 * ran, its job scheduler joined the others ({@link ClusterJobs}) and is not stopping, and it is not
 * draining ({@link Drain}). The database and the HTTP server have their own readiness checks
 * ({@link DatabaseHealthIndicator}'s {@code jdbc} and Micronaut's {@code service}); VPS.org's is left out ({@link ProbeHealthEndpoint}).
 * ADR 0038.
 */
@Singleton
@Readiness
public class InstanceReadiness implements HealthIndicator {

    static final String NAME = "instance";

    private final MigrationsApplied migrations;
    private final BeanProvider<ClusterJobs> jobs;
    private final Drain drain;

    public InstanceReadiness(MigrationsApplied migrations, BeanProvider<ClusterJobs> jobs, Drain drain) {
        this.migrations = migrations;
        this.jobs = jobs;
        this.drain = drain;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        boolean migrated = migrations.applied();
        String scheduler = jobs.find(null).map(ClusterJobs::state).orElse("not started");
        boolean draining = drain.isDraining();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("migrations", migrated ? "applied" : "pending");
        details.put("scheduler", scheduler);
        details.put("draining", draining);
        if (draining) {
            details.put("requests_in_flight", drain.inFlight());
        }
        boolean ready = migrated && scheduler.equals(ClusterJobs.STARTED) && !draining;
        return Publishers.just(HealthResult.builder(NAME, ready ? HealthStatus.UP : HealthStatus.DOWN).details(details).build());
    }

    /** Set once Flyway migrated the database (micronaut-flyway migrates it as the data source is made). */
    @Singleton
    static class MigrationsApplied implements ApplicationEventListener<MigrationFinishedEvent> {

        private volatile boolean applied;

        @Override
        public void onApplicationEvent(MigrationFinishedEvent event) {
            applied = true;
        }

        boolean applied() {
            return applied;
        }
    }
}

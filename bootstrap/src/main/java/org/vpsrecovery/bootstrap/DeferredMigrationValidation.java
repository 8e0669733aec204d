package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When Flyway was not run at start because every migration was applied ({@link SchemaAtStart}),
 * Flyway's validation runs shortly after the service listens, off the start's path: a jar whose
 * migrations were edited after being applied stops (exit code 2) as a start used to refuse it,
 * seconds later instead of before listening. ADR 0056.
 */
@Singleton
@Requires(property = SchemaAtStart.CURRENT, value = "true")
class DeferredMigrationValidation implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(DeferredMigrationValidation.class);

    private final TaskScheduler scheduler;
    private final Duration after;
    private final String url;
    private final String user;
    private final String password;

    DeferredMigrationValidation(@Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler,
                                @Value("${vpsr.migrations.validate-after:5s}") Duration after,
                                @Value("${" + SchemaAtStart.URL + "}") String url,
                                @Value("${" + SchemaAtStart.USER + "}") String user,
                                @Value("${" + SchemaAtStart.PASSWORD + ":}") String password) {
        this.scheduler = scheduler;
        this.after = after;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        scheduler.schedule(after, this::validate);
    }

    void validate() {
        ValidateResult result;
        try {
            result = Flyway.configure().dataSource(url, user, password).load().validateWithResult();
        } catch (RuntimeException unanswered) {
            // The database did not answer now; the next start validates (or migrates) again.
            LOG.warn("the migrations could not be validated after start: {}", unanswered.getMessage());
            return;
        }
        if (result.validationSuccessful) {
            LOG.info("migrations validated: {} applied, none changed since", result.validateCount);
            return;
        }
        LOG.error("vps-recovery stops: the applied migrations differ from this jar's ({}); {}",
                result.getAllErrorMessages(), "restore the migrations as they were applied, or repair the schema history");
        System.exit(2);
    }
}

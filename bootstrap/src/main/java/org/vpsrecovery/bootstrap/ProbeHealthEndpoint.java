package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.management.endpoint.annotation.Read;
import io.micronaut.management.endpoint.annotation.Selector;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.aggregator.HealthAggregator;
import io.micronaut.management.health.indicator.HealthCheckType;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import java.security.Principal;
import java.util.Arrays;
import org.reactivestreams.Publisher;

/**
 * Micronaut's {@code /health}, {@code /health/liveness} and {@code /health/readiness}, details by
 * role as before ({@link OperatorHealthDetails}), except that VPS.org is left out of readiness:
 * every instance calls the same VPS.org, so its outage would take all of them out of the load
 * balancer at once, and the facade already answers such calls 502/503 with a reason code. It stays
 * in {@code /health}. Liveness has no check of the database or VPS.org: a restart cures neither. ADR 0038.
 */
@Replaces(HealthEndpoint.class)
@Endpoint(value = HealthEndpoint.NAME, defaultSensitive = HealthEndpoint.DEFAULT_SENSITIVE)
public class ProbeHealthEndpoint extends HealthEndpoint {

    private final HealthAggregator<HealthResult> aggregator;
    private final HealthIndicator[] readiness;

    public ProbeHealthEndpoint(HealthAggregator<HealthResult> aggregator, HealthIndicator[] healthIndicators,
                               @Liveness HealthIndicator[] livenessHealthIndicators) {
        super(aggregator, healthIndicators, livenessHealthIndicators);
        this.aggregator = aggregator;
        this.readiness = Arrays.stream(getReadinessHealthIndicators(healthIndicators, livenessHealthIndicators))
                .filter(indicator -> !(indicator instanceof VpsOrgHealthIndicator))
                .toArray(HealthIndicator[]::new);
    }

    @Override
    @Read
    public Publisher<HealthResult> getHealth(@Nullable Principal principal, @Selector HealthCheckType selector) {
        if (selector != HealthCheckType.READINESS) {
            return super.getHealth(principal, selector);
        }
        return aggregator.aggregate(readiness, levelOfDetail(principal));
    }
}

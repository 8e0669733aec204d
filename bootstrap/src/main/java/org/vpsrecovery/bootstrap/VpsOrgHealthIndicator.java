package org.vpsrecovery.bootstrap;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.SnapshotProvider;

/**
 * Whether VPS.org answers the platform's token. One cheap read at most every {@link #CHECK_EVERY},
 * so that frequent health probes do not turn into provider traffic.
 */
@Singleton
public class VpsOrgHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    static final Duration CHECK_EVERY = Duration.ofSeconds(30);

    private final SnapshotProvider provider;
    private final Clock clock;
    private volatile Instant checkedAt = Instant.MIN;
    private volatile Map<String, Object> lastDetails = Map.of();
    private volatile HealthStatus lastStatus = HealthStatus.UNKNOWN;

    public VpsOrgHealthIndicator(MeteredProvider provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
    }

    @Override
    protected synchronized Map<String, Object> getHealthInformation() {
        Instant now = clock.instant();
        if (Duration.between(checkedAt, now).compareTo(CHECK_EVERY) >= 0) {
            Map<String, Object> details = new LinkedHashMap<>();
            try {
                provider.listSnapshots(Optional.empty());
                lastStatus = HealthStatus.UP;
            } catch (ProviderFailure failure) {
                lastStatus = failure.kind() == ProviderFailure.Kind.RATE_LIMITED ? HealthStatus.UP : HealthStatus.DOWN;
                details.put("reason_code", failure.reason().name());
            }
            details.put("checked_at", now.toString());
            lastDetails = Map.copyOf(details);
            checkedAt = now;
        }
        healthStatus = lastStatus;
        return lastDetails;
    }

    @Override
    protected String getName() {
        return "vpsorg";
    }
}

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
import java.util.concurrent.locks.ReentrantLock;
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
    /** The last check's status and details, read together. */
    private record Checked(HealthStatus status, Map<String, Object> details) {
    }

    private volatile Checked last = new Checked(HealthStatus.UNKNOWN, Map.of());

    public VpsOrgHealthIndicator(MeteredProvider provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
    }

    /**
     * One check at a time; a probe that comes while one runs is answered the last result at once. Not a monitor:
     * the check waits for VPS.org (up to its retries' timeouts), and a virtual thread that waits inside or for a
     * {@code synchronized} block pins its carrier on JDK 21-23 (ADR 0104): two probes during a VPS.org hang would stop
     * every blocking task of the instance, readiness and liveness among them, on every instance at once.
     */
    private final ReentrantLock checking = new ReentrantLock();

    @Override
    protected Map<String, Object> getHealthInformation() {
        if (checking.tryLock()) {
            try {
                checkIfDue();
            } finally {
                checking.unlock();
            }
        }
        Checked answer = last;
        healthStatus = answer.status();
        return answer.details();
    }

    private void checkIfDue() {
        Instant now = clock.instant();
        if (Duration.between(checkedAt, now).compareTo(CHECK_EVERY) >= 0) {
            Map<String, Object> details = new LinkedHashMap<>();
            HealthStatus status;
            try {
                provider.listSnapshots(Optional.empty());
                status = HealthStatus.UP;
            } catch (ProviderFailure failure) {
                status = failure.kind() == ProviderFailure.Kind.RATE_LIMITED ? HealthStatus.UP : HealthStatus.DOWN;
                details.put("reason_code", failure.reason().name());
            }
            details.put("checked_at", now.toString());
            last = new Checked(status, Map.copyOf(details));
            checkedAt = now;
        }
    }

    @Override
    protected String getName() {
        return "vpsorg";
    }
}

package org.vpsrecovery.bootstrap;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
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

    /**
     * A probe's status and details from one {@link Checked}. The base class pairs the details this returns with its
     * {@code healthStatus} field, one per indicator: a probe between the two took the status another probe's check had
     * just written, so two probes at once could read {@code DOWN} with an {@code UP} check's details, or the reverse
     * (ADR 0038, amended in session 46). A check that fails otherwise than VPS.org's is {@code DOWN}, as the base has it.
     */
    @Override
    protected HealthResult getHealthResult() {
        try {
            Checked answer = checkedNow();
            return HealthResult.builder(getName(), answer.status()).details(answer.details()).build();
        } catch (RuntimeException failed) {
            return HealthResult.builder(getName(), HealthStatus.DOWN).exception(failed).build();
        }
    }

    /** The details alone, as the base class asks for them; {@link #getHealthResult} does not read them from here. */
    @Override
    protected Map<String, Object> getHealthInformation() {
        return checkedNow().details();
    }

    private Checked checkedNow() {
        if (checking.tryLock()) {
            try {
                checkIfDue();
            } finally {
                checking.unlock();
            }
        }
        return last;
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

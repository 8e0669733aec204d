package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Optional;
import org.vpsrecovery.application.fairshare.AdmitTeamRequestUseCase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.FairShareExceeded;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * Each team's fair share of VPS.org (OWASP API4, ADR 0037): every request of an authenticated team
 * takes one request off its rate, and one that may call VPS.org ({@link #callsVpsOrg}) holds one of
 * its slots for calls in flight until its answer is ready; over either, {@code 429} problem+json
 * with {@code Retry-After}. Right after
 * {@link CallerAuthenticationFilter}, whose team it reads; auditors are not counted. The count is
 * shared through the database, so this filter runs on the blocking executor, never the event loop.
 */
@ServerFilter("/api/**")
public class FairShareFilter implements Ordered {

    private final AdmitTeamRequestUseCase admissions;

    public FairShareFilter(AdmitTeamRequestUseCase admissions) {
        this.admissions = admissions;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public MutableHttpResponse<?> admit(HttpRequest<?> request, FilterContinuation<MutableHttpResponse<?>> continuation) {
        Optional<TeamId> team = request.getAttribute(RequestAttributes.TEAM, TeamId.class);
        if (team.isEmpty()) {
            return continuation.proceed();
        }
        AdmitTeamRequestUseCase.Admission admission;
        try {
            admission = admissions.admit(team.get(), callsVpsOrg(request.getPath()));
        } catch (FairShareExceeded | PlatformUnavailable refused) {
            return FacadeProblems.of(refused, RequestAttributes.requestId(request));
        }
        try (admission) {
            return continuation.proceed();
        }
    }

    /**
     * The routes whose use cases call VPS.org: snapshots, backups (and their holds), servers, a
     * policy's plan, the recoverability report, an approval (an approved operation runs at once, ADR 0040). The others read or write the platform's own records
     * only (operations, with their long waits; policies; webhooks; the other audit reports) and hold
     * no slot; they still count against the rate.
     */
    static boolean callsVpsOrg(String path) {
        return path.startsWith("/api/v1/snapshots") || path.startsWith("/api/v1/backups")
                || path.startsWith("/api/v1/servers") || POLICY_PLAN.matcher(path).matches()
                || path.startsWith("/api/v1/audit/recoverability") || APPROVAL.matcher(path).matches();
    }

    private static final java.util.regex.Pattern POLICY_PLAN = java.util.regex.Pattern.compile("/api/v1/policies/[^/]+/plan/?");
    private static final java.util.regex.Pattern APPROVAL = java.util.regex.Pattern.compile("/api/v1/operations/[^/]+/approval/?");

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order() + 1;
    }
}

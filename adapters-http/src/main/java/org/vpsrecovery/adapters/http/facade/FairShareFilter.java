package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.vpsrecovery.application.fairshare.AdmitTeamRequestUseCase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.FairShareExceeded;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * Each team's fair share of VPS.org (OWASP API4, ADR 0037): every request of an authenticated team
 * takes one request off its rate, and one that may call VPS.org ({@link #callsVpsOrg}) holds one of
 * its slots for calls in flight until its answer is ready; over either, {@code 429} problem+json
 * with {@code Retry-After}. Right after
 * {@link CallerAuthenticationFilter}, whose team it reads; auditors are not counted.
 *
 * <p>On the event loop (ADR 0047): nearly every request is admitted at once, from the tokens and
 * slots this instance holds, and goes on without a hop. Only when that cannot be (a batch or a slot
 * to fetch from the database, a lock held by a thread in a round trip) is the admission made on the
 * blocking executor, with its bounded waits and refusals as before. The admission is kept on the
 * request and closed by the response filter, once the answer is ready, whatever it is.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class FairShareFilter implements Ordered, ConditionalFilter {

    static final String ADMISSION = "vpsr.fair-share.admission";

    private final AdmitTeamRequestUseCase admissions;
    private final ExecutorService blocking;

    public FairShareFilter(AdmitTeamRequestUseCase admissions, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.admissions = admissions;
        this.blocking = blocking;
    }

    /**
     * Completes with the request to go on with, at once when admitted at once (or not a team's
     * request), else once admitted on the blocking executor; a refusal completes it with the
     * {@link FairShareExceeded} or {@link PlatformUnavailable}, answered by
     * {@link FacadeExceptionHandlers.RecoveryFailureHandler} (429 or 503 with Retry-After). Never
     * completes with null: Micronaut (CompletableFutureExecutionFlowImpl.flatMap) skips the rest of
     * the chain on a null value and the server answers an empty 503 (ADR 0047's failed attempt).
     */
    @RequestFilter
    public CompletionStage<HttpRequest<?>> admit(HttpRequest<?> request) {
        Optional<TeamId> team = RequestAttributes.attribute(request, RequestAttributes.TEAM, TeamId.class);
        // isEnabled is not consulted on a request with an Origin header (ADR 0124): decide here too.
        if (team.isEmpty() || !isEnabled(request)) {
            return CompletableFuture.completedFuture(request);
        }
        boolean callsVpsOrg = callsVpsOrg(request.getPath());
        Optional<AdmitTeamRequestUseCase.Admission> atOnce = admissions.admitAtOnce(team.get(), callsVpsOrg);
        if (atOnce.isPresent()) {
            request.setAttribute(ADMISSION, atOnce.get());
            return CompletableFuture.completedFuture(request);
        }
        Supplier<HttpRequest<?>> admitWaiting = () -> {
            request.setAttribute(ADMISSION, admissions.admit(team.get(), callsVpsOrg));
            return request;
        };
        return CompletableFuture.supplyAsync(PropagatedContext.wrapCurrent(admitWaiting), blocking);
    }

    /** The answer is ready (an error's too): the slot is given back. */
    @ResponseFilter
    public void close(HttpRequest<?> request, @Nullable Throwable failure) {
        RequestAttributes.attribute(request, ADMISSION, AdmitTeamRequestUseCase.Admission.class).ifPresent(admission -> {
            request.removeAttribute(ADMISSION, AdmitTeamRequestUseCase.Admission.class);
            admission.close();
        });
    }

    /**
     * The routes whose use cases call VPS.org: snapshots, backups (and their holds), a server's restore, a
     * policy's plan, the recoverability report, an approval (an approved operation runs at once, ADR 0040). The others read or write the platform's own records
     * only (operations, with their long waits; a server's state and the release of its restore hold, which read the
     * platform's operations alone; policies; webhooks; the other audit reports) and hold no slot; they still count
     * against the rate. A team whose slots slow lists hold can still end its own restore hold (ADR 0037, amended in
     * session 39).
     */
    static boolean callsVpsOrg(String path) {
        return path.startsWith("/api/v1/snapshots") || path.startsWith("/api/v1/backups")
                || SERVER_RESTORE.matcher(path).matches() || POLICY_PLAN.matcher(path).matches()
                || path.startsWith("/api/v1/audit/recoverability") || APPROVAL.matcher(path).matches();
    }

    private static final java.util.regex.Pattern SERVER_RESTORE = java.util.regex.Pattern.compile("/api/v1/servers/[^/]+/restore/?");
    private static final java.util.regex.Pattern POLICY_PLAN = java.util.regex.Pattern.compile("/api/v1/policies/[^/]+/plan/?");
    private static final java.util.regex.Pattern APPROVAL = java.util.regex.Pattern.compile("/api/v1/operations/[^/]+/approval/?");

    /** {@code /api/} only (FilterPaths). */
    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return FilterPaths.underApi(request.getPath());
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order() + 1;
    }
}

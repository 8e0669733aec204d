package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.PolicyIdParameter;
import org.vpsrecovery.adapters.http.facade.PolicyJson.PlanJson;
import org.vpsrecovery.adapters.http.facade.PolicyJson.PolicyPageJson;
import org.vpsrecovery.application.change.Gated;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.application.policy.ManagePoliciesUseCase;
import org.vpsrecovery.application.policy.PlanPolicyUseCase;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.RecoveryPolicies;

/**
 * A team's recovery policies (an extension VPS.org lacks): schedules and retention as data, each
 * change a new version (ETag {@code "N"}) audited with its diff; and each policy's plan, read from
 * VPS.org without changing anything. Another team's policy is not found. ADR 0028.
 */
@Controller("/api/v1/policies")
@Tag(name = "policies", description = "An extension VPS.org lacks: schedules and retention as versioned, audited data, with plans")
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class PoliciesController {

    private static final Set<String> LIST_PARAMETERS = Set.of("limit", "after");
    private static final Set<String> PLAN_PARAMETERS = Set.of("runs");
    private static final String NOT_FOUND = "No such policy for this team (POLICY_NOT_FOUND)";
    private static final Pattern ETAG = Pattern.compile("(?:W/)?\"?([1-9][0-9]{0,17})\"?");

    private static final String WAITS = " When the team's configuration names policy-change (two-person approval, ADR "
            + "0043), the change is checked now and answers 202 with the pending change, the policy document it will "
            + "write included; nothing changes until another person of the team approves it, and an update or delete "
            + "is then applied only over the version it was asked against (else it ends rejected, POLICY_VERSION_CONFLICT)."
            + " With an Idempotency-Key a repeated request gets the first answer, its ETag included, and a change "
            + "waiting for approval is asked for once. If-Match is not part of what the key stands for: a rerun that "
            + "read the version its first request made gets that first answer.";

    private final ManagePoliciesUseCase policies;
    private final PlanPolicyUseCase plans;
    private final PendingChangesService changes;
    private final RequestBodies bodies;
    private final IdempotentRequests idempotent;

    public PoliciesController(ManagePoliciesUseCase policies, PlanPolicyUseCase plans, PendingChangesService changes,
                              RequestBodies bodies, IdempotentRequests idempotent) {
        this.policies = policies;
        this.plans = plans;
        this.changes = changes;
        this.bodies = bodies;
        this.idempotent = idempotent;
    }

    @Post(value = "/", consumes = MediaType.APPLICATION_JSON)
    @ProblemResponses.OwnCommit
    @Operation(summary = "Create a policy",
            description = "Its servers (server_ids, each the team's: else SERVER_NOT_FOUND; or all_servers: true), kind, "
                    + "schedule (cron in time_zone: INVALID_SCHEDULE when unreadable), name template and retention "
                    + "(restic's keep-last/within/daily/weekly/monthly/yearly, combined as a union). Version 1; audited "
                    + "as CREATE_POLICY. At most 100 per team (POLICY_LIMIT_REACHED)." + WAITS,
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "201", description = "created; ETag is its version",
            headers = {@Header(name = "ETag", description = "the policy's version, quoted", schema = @Schema(type = "string",
                    pattern = "^\"[0-9]{1,18}\"$", maxLength = 20)),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"}))},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyJson.class)))
    @ApiResponse(responseCode = "202", description = PendingChangeJson.PENDING_ANSWER,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangeJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ApiResponse(responseCode = "404", description = "A listed server is not the team's (SERVER_NOT_FOUND)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "413", description = "The body is larger than 16 KiB (BODY_TOO_LARGE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "415", description = "The body is not application/json in UTF-8 (UNSUPPORTED_MEDIA_TYPE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.Idempotent
    public HttpResponse<?> createPolicy(HttpRequest<?> request, @Valid @Body PolicyRequests.PolicyRequest body) {
        return idempotent.run(request, bodies.fingerprintText(body), () -> switch (
                changes.createPolicy(RequestAttributes.callContext(request), body.toSpec())) {
            case Gated.Done<RecoveryPolicy>(RecoveryPolicy created) ->
                    HttpResponse.created(PolicyJson.of(created)).header(HttpHeaders.ETAG, etag(created));
            case Gated.Waiting<RecoveryPolicy>(var pending) -> PendingChangeJson.accepted(pending);
        });
    }

    @Get("/")
    @Operation(summary = "The team's policies", description = "Oldest first; pass the answer's `next` back as `after` "
            + "for the following page (`next` is null on the last). If that policy was deleted in between, the answer is "
            + "404 POLICY_NOT_FOUND (never an empty page that would read as the end): list again from the start. Refused 400: an "
            + "unknown parameter (UNKNOWN_QUERY_PARAMETER), a repeated one (INVALID_QUERY_PARAMETER), a limit out of range "
            + "(PAGE_SIZE_OUT_OF_RANGE), an `after` that is no policy id (INVALID_CURSOR).")
    @ApiResponse(responseCode = "200", description = "a page of policies",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public PolicyPageJson listPolicies(HttpRequest<?> request,
            @Parameter(description = "page size, 1-500 (100)", schema = @Schema(type = "string", pattern = "^[0-9]{1,3}$",
                    maxLength = 3)) @Nullable @QueryValue("limit") String limit,
            @Parameter(description = "the previous page's `next`", schema = @Schema(type = "string",
                    pattern = "^[0-9a-fA-F-]{36}$", maxLength = 36)) @Nullable @QueryValue("after") String after) {
        StrictQueryParameters.check(request, LIST_PARAMETERS);
        int size = PageParameters.size(limit, RecoveryPolicies.MAX_PAGE, 100);
        Optional<PolicyId> from = PageParameters.after(after, PolicyId::parse, "a policy id (a UUID)");
        return PolicyJson.page(policies.list(RequestAttributes.callContext(request).team(), from, size));
    }

    @Get("/{policy_id}/")
    @Operation(summary = "One policy", description = "ETag is its version: send it back as If-Match to change it."
            + " It takes no query parameter: any is 400 UNKNOWN_QUERY_PARAMETER.")
    @ApiResponse(responseCode = "200", description = "the policy",
            headers = {@Header(name = "ETag", description = "the policy's version, quoted", schema = @Schema(type = "string",
                    pattern = "^\"[0-9]{1,18}\"$", maxLength = 20)),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyJson.class)))
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public HttpResponse<PolicyJson> getPolicy(HttpRequest<?> request,
                                              @PolicyIdParameter @PathVariable("policy_id") String policyId) {
        PolicyId id = id(policyId);
        StrictQueryParameters.check(request, Set.of());
        RecoveryPolicy policy = policies.get(RequestAttributes.callContext(request).team(), id);
        return HttpResponse.ok(PolicyJson.of(policy)).header(HttpHeaders.ETAG, etag(policy));
    }

    @Put(value = "/{policy_id}/", consumes = MediaType.APPLICATION_JSON)
    @ProblemResponses.OwnCommit
    @Operation(summary = "Replace a policy",
            description = "The whole policy, as for create. If-Match must name the current version (its ETag): a stale "
                    + "one is 412 POLICY_VERSION_CONFLICT, none 428 POLICY_VERSION_REQUIRED. The next version; audited "
                    + "as UPDATE_POLICY with each changed field before and after." + WAITS,
            parameters = {@Parameter(name = "If-Match", in = ParameterIn.HEADER, required = true,
                    description = "the version being replaced, as its ETag (\"3\")",
                    schema = @Schema(type = "string", pattern = "^(W/)?\"?[0-9]{1,18}\"?$", maxLength = 22)),
                    @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH))})
    @ApiResponse(responseCode = "200", description = "replaced; ETag is the new version",
            headers = {@Header(name = "ETag", description = "the policy's version, quoted", schema = @Schema(type = "string",
                    pattern = "^\"[0-9]{1,18}\"$", maxLength = 20)),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"}))},
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyJson.class)))
    @ApiResponse(responseCode = "202", description = PendingChangeJson.PENDING_ANSWER,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangeJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ApiResponse(responseCode = "404", description = NOT_FOUND + ", or a listed server is not the team's (SERVER_NOT_FOUND)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "412", description = "If-Match names a version that is no longer current (POLICY_VERSION_CONFLICT)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "428", description = "If-Match is missing (POLICY_VERSION_REQUIRED)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "413", description = "The body is larger than 16 KiB (BODY_TOO_LARGE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "415", description = "The body is not application/json in UTF-8 (UNSUPPORTED_MEDIA_TYPE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.Idempotent
    public HttpResponse<?> replacePolicy(HttpRequest<?> request,
                                         @PolicyIdParameter @PathVariable("policy_id") String policyId,
                                         @Valid @Body PolicyRequests.PolicyRequest body) {
        PolicyId id = id(policyId);
        OptionalLong version = ifMatch(request);
        return idempotent.run(request, bodies.fingerprintText(body), () -> switch (
                changes.updatePolicy(RequestAttributes.callContext(request), id, version, body.toSpec())) {
            case Gated.Done<RecoveryPolicy>(RecoveryPolicy replaced) ->
                    HttpResponse.ok(PolicyJson.of(replaced)).header(HttpHeaders.ETAG, etag(replaced));
            case Gated.Waiting<RecoveryPolicy>(var pending) -> PendingChangeJson.accepted(pending);
        });
    }

    @Delete("/{policy_id}/")
    @ProblemResponses.OwnCommit
    @Operation(summary = "Delete a policy",
            description = "With If-Match, only that version (a stale one is 412 POLICY_VERSION_CONFLICT). Audited as "
                    + "DELETE_POLICY with the fields it had. Recovery points it made stay." + WAITS,
            parameters = {@Parameter(name = "If-Match", in = ParameterIn.HEADER,
                    description = "the version being deleted, as its ETag (\"3\")",
                    schema = @Schema(type = "string", pattern = "^(W/)?\"?[0-9]{1,18}\"?$", maxLength = 22)),
                    @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH))})
    @ApiResponse(responseCode = "204", description = "deleted",
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"}))})
    @ApiResponse(responseCode = "202", description = PendingChangeJson.PENDING_ANSWER,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangeJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "412", description = "If-Match names a version that is no longer current (POLICY_VERSION_CONFLICT)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.Idempotent
    public HttpResponse<?> deletePolicy(HttpRequest<?> request,
                                        @PolicyIdParameter @PathVariable("policy_id") String policyId) {
        PolicyId id = id(policyId);
        OptionalLong version = ifMatch(request);
        return idempotent.run(request, "", () -> switch (
                changes.deletePolicy(RequestAttributes.callContext(request), id, version)) {
            case Gated.Done<PolicyId> deleted -> HttpResponse.noContent();
            case Gated.Waiting<PolicyId>(var pending) -> PendingChangeJson.accepted(pending);
        });
    }

    @Get("/{policy_id}/plan/")
    @Operation(summary = "What the policy would do",
            description = "Its next runs (UTC and the policy's time zone) and, per server, each recovery point of the "
                    + "policy's kind at VPS.org with retention's verdict: keep, with the rules that keep it, or delete, "
                    + "with why. Read from VPS.org's lists only; nothing changes. Audited as PLAN_POLICY. An unknown parameter "
                    + "is 400 UNKNOWN_QUERY_PARAMETER; a repeated one or `runs` out of 1-50, INVALID_QUERY_PARAMETER.")
    @ApiResponse(responseCode = "200", description = "the plan",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = NOT_FOUND,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.Provider
    public PlanJson planPolicy(HttpRequest<?> request, @PolicyIdParameter @PathVariable("policy_id") String policyId,
            @Parameter(description = "how many next runs, 1-50 (10)", schema = @Schema(type = "string",
                    pattern = "^[0-9]{1,2}$", maxLength = 2)) @Nullable @QueryValue("runs") String runs) {
        PolicyId id = id(policyId);
        StrictQueryParameters.check(request, PLAN_PARAMETERS);
        int count = runs == null ? 10 : bounded(runs, "runs", 1, PlanPolicyUseCase.MAX_RUNS);
        return PolicyJson.plan(plans.plan(RequestAttributes.callContext(request), id, count));
    }

    private static String etag(RecoveryPolicy policy) {
        return "\"" + policy.version() + "\"";
    }

    private static OptionalLong ifMatch(HttpRequest<?> request) {
        String raw = request.getHeaders().get(HttpHeaders.IF_MATCH);
        if (raw == null) {
            return OptionalLong.empty();
        }
        Matcher m = ETAG.matcher(raw.trim());
        if (!m.matches()) {
            throw new InvalidRequest(RequestReason.INVALID_IF_MATCH, "If-Match",
                    "If-Match must be one policy version as its ETag, e.g. \"3\"");
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
    }

    private static PolicyId id(String raw) {
        try {
            return PolicyId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "policy_id", "policy_id must be a UUID");
        }
    }

    private static int bounded(String raw, String name, int min, int max) {
        if (raw.matches("[0-9]{1,4}")) {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, name, name + " must be an integer " + min + "-" + max);
    }
}

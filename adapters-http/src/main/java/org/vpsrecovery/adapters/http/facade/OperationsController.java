package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import jakarta.validation.Valid;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.PageAfterParameter;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.PageLimitParameter;
import org.vpsrecovery.adapters.http.facade.OperationJson.OperationPageJson;
import org.vpsrecovery.application.approval.DecideApprovalCommand;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.application.approval.DecideApprovalUseCase;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.application.operation.GetOperationUseCase;
import org.vpsrecovery.application.operation.ListOperationsQuery;
import org.vpsrecovery.application.operation.ListOperationsUseCase;
import org.vpsrecovery.application.operation.ReadOperationsService;
import org.vpsrecovery.domain.approval.ApprovalDecision;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The platform's operations (an extension VPS.org lacks): each changing request's progress at
 * VPS.org, to its end. {@code ?wait=N} (0-60 s) answers as soon as the operation is final, or after
 * N seconds as it stands; it waits on a worker thread, never on the event loop, and at most
 * {@code vpsr.operations.max-waits} such waits run at once per instance, and at most
 * {@code vpsr.operations.max-waits-per-team} of one team's ({@link OperationWaits}).
 */
@Controller("/api/v1/operations")
@Tag(name = "operations", description = "An extension VPS.org lacks: each change followed at VPS.org to its end")
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class OperationsController {

    private static final int DEFAULT_PAGE = 100;
    private static final Set<String> LIST_PARAMETERS = Set.of("server_id", "state", "limit", "after");
    private static final Set<String> GET_PARAMETERS = Set.of("wait");
    private static final String UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    private final GetOperationUseCase get;
    private final ListOperationsUseCase list;
    private final OperationWaits waits;
    private final DecideApprovalUseCase approvals;
    private final PendingChangesService changes;

    public OperationsController(GetOperationUseCase get, ListOperationsUseCase list, OperationWaits waits,
                                DecideApprovalUseCase approvals, PendingChangesService changes) {
        this.get = get;
        this.list = list;
        this.waits = waits;
        this.approvals = approvals;
        this.changes = changes;
    }

    @Post(value = "/{operation_id}/approval/", consumes = MediaType.APPLICATION_JSON)
    @Operation(operationId = "decideApproval", summary = "Approve or deny an operation waiting for a second person",
            description = "Two-person approval (ADR 0040): a restore or delete of a team whose configuration asks for it "
                    + "answers 202 with the operation pending_approval; it is asked for by a person signed in through the "
                    + "identity provider (a service token asking is refused 403 APPROVAL_NEEDS_A_PERSON). Another person of the same team, signed in through "
                    + "the identity provider (a JWT), decides here before `approval.expires_at`. Never the requester "
                    + "(403 SELF_APPROVAL_REFUSED), never a service token (403 APPROVER_NOT_A_PERSON), never an auditor "
                    + "(403 FORBIDDEN_FOR_ROLE); another team's operation is 404. Decided once: a second decision is 409 "
                    + "APPROVAL_ALREADY_DECIDED, a late one 409 APPROVAL_EXPIRED; one on an operation that never waited for "
                    + "approval 409 APPROVAL_NOT_REQUIRED. Every refused decision is audited. A request whose own "
                    + "REQUEST_APPROVAL the audit history could not take yet has it written first; if the history still "
                    + "cannot take it, 503 PLATFORM_UNAVAILABLE with Retry-After and nothing is decided (decide again). While the "
                    + "platform is paused after its database was restored, an approval of a restore or delete is refused "
                    + "503 PAUSED_AFTER_RESTORE with Retry-After (audited; the operation keeps waiting; a denial is taken). Approved, it runs at once: its policies "
                    + "again under the server's lock against VPS.org's current state (a refusal ends it `rejected`, with "
                    + "the policy's reason code in the audit history), then VPS.org; the answer is the operation as it then "
                    + "stands. A refusal whose end the platform's store could not record now is answered the same (200, "
                    + "the operation `rejected`, the policy's reason code in its note): the refusal is audited, and a read "
                    + "of the operation may show it `approved` until the settle-approvals job ends it `rejected` as "
                    + "recorded. A run that started and then met a failure the platform did not expect is answered 504 "
                    + "OUTCOME_UNKNOWN naming the operation (X-Operation-Id): VPS.org may have acted; its audit history says "
                    + "what is known (`UNRESOLVED` for a call that ended so) and the platform follows it to its end; "
                    + "follow it, never decide again. "
                    + "Denied, it ends `denied` and VPS.org is never asked. Every step is audited and sent as a "
                    + "webhook (approval.requested, approval.approved, approval.denied, approval.expired). The same for a pending "
                    + "change of the platform's own records (a hold's release, a policy change; ADR 0043): its id is in the "
                    + "same id space; approved, it is applied at once (an update or delete only over the policy version it "
                    + "was asked against, else it ends rejected), and the answer is the change (GET /api/v1/changes/{id}/).")
    @ApiResponse(responseCode = "200", description = "decided: the operation (or the pending change) as it stands now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {OperationJson.class,
                    PendingChangeJson.class})),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.Body
    @ProblemResponses.OwnCommit
    public HttpResponse<?> decide(HttpRequest<?> request,
            @Parameter(description = "the operation id (a UUID)", schema = @Schema(type = "string", pattern = UUID,
                    maxLength = 36)) @PathVariable("operation_id") String operationId,
            @Valid @Body FacadeRequests.ApprovalDecisionRequest body) {
        OperationId id = operationId(operationId);
        Verdict verdict = Verdict.fromWire(body.decision()).orElseThrow(() -> new InvalidRequest(
                RequestReason.INVALID_FIELD, "decision", "decision must be approve or deny"));
        Optional<String> reason = Optional.ofNullable(body.reason());
        if (reason.isPresent() && !ApprovalDecision.isReadable(reason.get())) {
            throw new InvalidRequest(RequestReason.INVALID_FIELD, "reason", "reason must be 1-"
                    + ApprovalDecision.MAX_REASON_LENGTH + " characters, no control characters");
        }
        DecideApprovalCommand command = new DecideApprovalCommand(RequestAttributes.callContext(request), id, verdict, reason);
        // One id space: a pending change of the team's is decided here too (ADR 0043); anything else is an operation's.
        if (changes.find(command.context().team(), id).isPresent()) {
            return HttpResponse.ok(PendingChangeJson.of(changes.decide(command)));
        }
        return HttpResponse.ok(OperationJson.of(approvals.decide(command)));
    }

    private static OperationId operationId(String raw) {
        try {
            return OperationId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "operation_id", "operation_id must be a UUID");
        }
    }

    @Get("/{operation_id}/")
    @Operation(summary = "One operation, waiting for its end if asked",
            description = "The operation a changing request started (its id came as X-Operation-Id). With `wait` "
                    + "(0-60 s) the answer comes as soon as the operation is final, or after `wait` seconds as it stands. "
                    + "Waiting reads are bounded per instance and per team; past either bound, 503 TOO_MANY_WAITING_REQUESTS at once.")
    @ApiResponse(responseCode = "200", description = "the operation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperationJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = "No such operation for this team (OPERATION_NOT_FOUND)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "503", description = "With `wait` > 0 only: this instance already runs as many waiting "
            + "reads as it allows (`vpsr.operations.max-waits`, 32 by default), or as many of the caller's team as one "
            + "team may run (`vpsr.operations.max-waits-per-team`, 8 by default): TOO_MANY_WAITING_REQUESTS, answered at "
            + "once. Retry after Retry-After seconds, or read without `wait`. Or " + ProblemResponses.ANY_UNAVAILABLE,
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public OperationJson getOperation(HttpRequest<?> request,
            @Parameter(description = "the operation id (a UUID)", schema = @Schema(type = "string", pattern = UUID,
                    maxLength = 36)) @PathVariable("operation_id") String operationId,
            @Parameter(description = "seconds to wait for the end, 0-60", schema = @Schema(type = "string",
                    pattern = "^[0-9]{1,2}$", maxLength = 2)) @Nullable @QueryValue("wait") String wait) {
        OperationId id;
        try {
            id = OperationId.parse(operationId);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "operation_id", "operation_id must be a UUID");
        }
        StrictQueryParameters.check(request, GET_PARAMETERS);
        Duration waitFor = Duration.ofSeconds(wait == null ? 0
                : bounded(wait, "wait", 0, ReadOperationsService.MAX_WAIT.toSeconds()));
        if (waitFor.isZero()) {
            return OperationJson.of(get.getOperation(RequestAttributes.auditReader(request), id, waitFor));
        }
        AuditReader reader = RequestAttributes.auditReader(request);
        BooleanSupplier stillWanted = callerStillThere(request);
        return waits.inASlot(reader, () -> OperationJson.of(get.getOperation(reader, id, waitFor, stillWanted)));
    }

    /**
     * Whether the caller's connection is still open: a wait whose caller has gone (a client's timeout, a proxy's) ends at
     * its next look, so its slot is free for a caller still there (ADR 0024, amended in session 56).
     */
    private static BooleanSupplier callerStillThere(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            io.netty.channel.Channel connection = netty.getChannelHandlerContext().channel();
            return connection::isActive;
        }
        return () -> true;
    }

    @Get("/")
    @Operation(summary = "Operations, newest first",
            description = "A team's own; an auditor's token reads every team's. Newest accepted first, then by id (both "
                    + "descending): a page holds `limit` (1-" + RecoveryOperations.MAX_PAGE + ", " + DEFAULT_PAGE + "); pass "
                    + "the answer's `next` back as `after`, with the same filters, for the following page (`next` is null "
                    + "on the last). When each was accepted never changes, so an operation accepted since the first page "
                    + "comes before it, never inside a later page, and none is skipped or repeated. Refused 400: an unknown "
                    + "parameter (UNKNOWN_QUERY_PARAMETER), a repeated one, a server_id that is no id, a state that is none of an operation's "
                    + "(INVALID_QUERY_PARAMETER), a limit out of range (PAGE_SIZE_OUT_OF_RANGE), an `after` that is no "
                    + "operation id (INVALID_CURSOR); an `after` that is no operation the caller may read (another team's, "
                    + "or none) is 404 OPERATION_NOT_FOUND.")
    @ApiResponse(responseCode = "200", description = "a page of operations",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperationPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = "`after` names no operation the caller may read (OPERATION_NOT_FOUND): "
            + "list again from the start",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public OperationPageJson listOperations(HttpRequest<?> request,
            @Parameter(description = "only this server's", schema = @Schema(type = "string", pattern = OpenApiPatterns.ID,
                    maxLength = OpenApiPatterns.ID_MAX_LENGTH)) @Nullable @QueryValue("server_id") String serverId,
            @Parameter(description = "only this state", schema = @Schema(type = "string",
                    pattern = "^(accepted|in_progress|unresolved|awaiting_safety_snapshot|pending_approval|approved|completed|failed|vanished|timed_out|released|denied|expired|rejected)$",
                    maxLength = 24))
            @Nullable @QueryValue("state") String state,
            @PageLimitParameter @Nullable @QueryValue("limit") String limit,
            @PageAfterParameter @Nullable @QueryValue("after") String after) {
        StrictQueryParameters.check(request, LIST_PARAMETERS);
        Optional<ServerId> server = Optional.ofNullable(serverId)
                .map(raw -> new ServerId(RequestFields.parseId(raw, "server_id", RequestReason.INVALID_QUERY_PARAMETER)));
        Optional<OperationState> wanted = Optional.ofNullable(state).map(OperationsController::state);
        int size = PageParameters.size(limit, RecoveryOperations.MAX_PAGE, DEFAULT_PAGE);
        Optional<OperationId> from = PageParameters.after(after, OperationId::parse, "an operation id (a UUID)");
        return OperationJson.page(list.listOperations(RequestAttributes.auditReader(request),
                new ListOperationsQuery(server, wanted, from, size)));
    }

    private static OperationState state(String raw) {
        for (OperationState candidate : OperationState.values()) {
            if (candidate.wireName().equals(raw.toLowerCase(Locale.ROOT))) {
                return candidate;
            }
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "state",
                "state must be one of accepted, in_progress, unresolved, awaiting_safety_snapshot, pending_approval, "
                        + "approved, completed, failed, vanished, timed_out, released, denied, expired, rejected");
    }

    private static long bounded(String raw, String name, long min, long max) {
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, name, name + " must be an integer " + min + "-" + max);
    }
}

package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.PageAfterParameter;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.PageLimitParameter;
import org.vpsrecovery.adapters.http.facade.PendingChangeJson.PendingChangePageJson;
import org.vpsrecovery.application.change.ListChangesQuery;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.PendingChanges;

/**
 * Changes of the platform's own records that wait for a second person (ADR 0043): a hold's release, a policy's
 * create, update or delete. Decided at {@code POST /api/v1/operations/{id}/approval/}, as operations are.
 */
@Controller("/api/v1/changes")
@Tag(name = "operations", description = "An extension VPS.org lacks: each change followed at VPS.org to its end")
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class ChangesController {

    private static final String UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    private static final Set<String> LIST_PARAMETERS = Set.of("state", "kind", "limit", "after");
    private static final int DEFAULT_PAGE = 100;
    private static final String STATE_WORDS = "pending_approval, approved, completed, denied, expired, rejected";

    private final PendingChangesService changes;

    public ChangesController(PendingChangesService changes) {
        this.changes = changes;
    }

    @Get("/")
    @Operation(summary = "The team's changes waiting for, or decided by, a second person, newest first",
            description = "The caller's team's hold releases and policy changes that asked for two-person approval "
                    + "(ADR 0043), newest asked first, each as GET /api/v1/changes/{id}/ shows it. `state=pending_approval` "
                    + "lists what waits for a decision (decide at POST /api/v1/operations/{id}/approval/); any other "
                    + "state a change can be in keeps those. `kind` keeps one kind's, as each change's `change` names it "
                    + "(hold_release, policy_create, policy_update, policy_delete); with `state`, both hold. A page holds `limit` (1-" + PendingChanges.MAX_PAGE + ", "
                    + DEFAULT_PAGE + "); pass the answer's `next` back as `after` for the following page (`next` is null "
                    + "on the last). The order is by when each was asked, which never changes: a change asked for since "
                    + "the first page comes before it, never inside a later page. Another team's changes never appear. Refused 400: an unknown or repeated parameter "
                    + "(UNKNOWN_QUERY_PARAMETER, INVALID_QUERY_PARAMETER), a state that is none of a change's "
                    + "or a kind none of its kinds (INVALID_QUERY_PARAMETER), a limit out of range (PAGE_SIZE_OUT_OF_RANGE), an `after` that is no "
                    + "change id (INVALID_CURSOR); an `after` that is no change of this team's is 404 OPERATION_NOT_FOUND.")
    @ApiResponse(responseCode = "200", description = "a page of changes", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangePageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = "`after` names no change of this team's (OPERATION_NOT_FOUND): "
            + "list again from the start",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public PendingChangePageJson listChanges(HttpRequest<?> request,
            @Parameter(description = "only changes in this state", schema = @Schema(type = "string",
                    allowableValues = {"pending_approval", "approved", "completed", "denied", "expired", "rejected"}))
            @Nullable @QueryValue("state") String state,
            @Parameter(description = "only changes of this kind (each change's `change`)", schema = @Schema(type = "string",
                    allowableValues = {"hold_release", "policy_create", "policy_update", "policy_delete"}))
            @Nullable @QueryValue("kind") String kind,
            @PageLimitParameter @Nullable @QueryValue("limit") String limit,
            @PageAfterParameter @Nullable @QueryValue("after") String after) {
        // Checked strictly, as the deliveries' and audit pages are: a typo in a filter must not widen the list.
        AuditReportParameters.of(request, LIST_PARAMETERS);
        Optional<OperationState> wanted = Optional.ofNullable(state).map(ChangesController::state);
        Optional<org.vpsrecovery.domain.audit.Operation> ofKind = Optional.ofNullable(kind).map(ChangesController::kind);
        int size = PageParameters.size(limit, PendingChanges.MAX_PAGE, DEFAULT_PAGE);
        Optional<OperationId> from = PageParameters.after(after, OperationId::parse, "a change id (a UUID)");
        return PendingChangeJson.page(changes.list(new ListChangesQuery(RequestAttributes.callContext(request).team(),
                wanted, ofKind, from, size)));
    }

    private static org.vpsrecovery.domain.audit.Operation kind(String raw) {
        for (org.vpsrecovery.domain.audit.Operation candidate : PendingChange.KINDS) {
            if (PendingChangeJson.wireName(candidate).equals(raw)) {
                return candidate;
            }
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "kind",
                "kind must be one of hold_release, policy_create, policy_update, policy_delete (a change's kinds)");
    }

    private static OperationState state(String raw) {
        for (OperationState candidate : PendingChange.STATES) {
            if (candidate.wireName().equals(raw)) {
                return candidate;
            }
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "state",
                "state must be one of " + STATE_WORDS + " (a change's states)");
    }

    @Get("/{change_id}/")
    @Operation(summary = "A change waiting for a second person, and what it will do",
            description = "A hold release or policy change of a team whose configuration asks for two-person approval "
                    + "(its id came as X-Operation-Id with the 202): pending_approval until another person of the team "
                    + "decides at POST /api/v1/operations/{id}/approval/, then completed, rejected, denied or expired. "
                    + "It shows the hold it releases, or the policy, the version it was asked against and the policy "
                    + "document it will write. Another team's is 404."
                    + " It takes no query parameter: any is 400 UNKNOWN_QUERY_PARAMETER.")
    @ApiResponse(responseCode = "200", description = "the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangeJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = "No such change for this team (OPERATION_NOT_FOUND)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public PendingChangeJson getChange(HttpRequest<?> request,
            @Parameter(description = "the change id (a UUID)", schema = @Schema(type = "string", pattern = UUID,
                    maxLength = 36)) @PathVariable("change_id") String changeId) {
        OperationId id;
        try {
            id = OperationId.parse(changeId);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "change_id", "change_id must be a UUID");
        }
        StrictQueryParameters.check(request, Set.of());
        return PendingChangeJson.of(changes.find(RequestAttributes.callContext(request).team(), id).orElseThrow(() ->
                new ResourceNotFound(ReasonCode.OPERATION_NOT_FOUND, "change " + id + " not found")));
    }
}

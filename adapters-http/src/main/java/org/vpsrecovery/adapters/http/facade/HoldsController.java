package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
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
import java.util.Set;
import java.util.function.Supplier;
import org.vpsrecovery.adapters.http.facade.HoldJson.HoldPageJson;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.BackupIdParameter;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.HoldIdParameter;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.PageAfterParameter;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.PageLimitParameter;
import org.vpsrecovery.adapters.http.facade.OpenApiParameters.SnapshotIdParameter;
import org.vpsrecovery.application.change.Gated;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.application.hold.HoldCaller;
import org.vpsrecovery.application.hold.PlaceHoldCommand;
import org.vpsrecovery.application.hold.RecoveryPointHoldsUseCase;
import org.vpsrecovery.application.hold.ReleaseHoldCommand;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;

/**
 * Holds on snapshots and backups (ADR 0029), a platform extension as sub-resources of the point:
 * {@code /api/v1/snapshots/{id}/holds/} and {@code /api/v1/backups/{id}/holds/}. A team holds its own
 * points; an auditor places legal holds, which only auditors release. No call changes anything at VPS.org.
 */
@Controller("/api/v1")
@Tag(name = "holds", description = "Holds on snapshots and backups: a held point is deleted by nobody until every hold "
        + "on it is released. Teams hold their own points; auditors place legal holds, which only auditors release")
// Provider before Common: of two class-level 503s the document keeps the first, and Provider's names Common's too.
@ProblemResponses.Provider
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class HoldsController {

    private static final String PLACE_DESCRIPTION = "The reason is kept with the hold and in the audit history "
            + "(PLACE_RECOVERY_POINT_HOLD). A team token places a `team` hold on its own point; an auditor token a `legal` "
            + "hold, on any point the platform governs. While any hold is active, every delete of the point is refused "
            + "409 RECOVERY_POINT_HELD. A point whose delete is under way (an open delete operation) cannot be held: 409 "
            + "RECOVERY_POINT_BEING_DELETED. A point holds at most `vpsr.holds.max-active-per-point` active holds of a kind (50), "
            + "a team `vpsr.holds.max-active-per-team` (5000); past either, 400 HOLD_LIMIT_REACHED. No call changes anything at VPS.org (the point is looked up there). With an "
            + "Idempotency-Key (a team's or an auditor's, kept 24 h) a repeated request gets the first answer and places no "
            + "second hold.";
    private static final String RELEASE_DESCRIPTION = "Audited as RELEASE_RECOVERY_POINT_HOLD, with the hold's reason (not "
            + "that of a hold placed for the server's former owner, before a teams-file move). "
            + "A team releases its own holds; a legal hold is released by auditors only (a team gets 403 "
            + "LEGAL_HOLD_NOT_RELEASABLE). A hold released already: 409 HOLD_ALREADY_RELEASED. When the team's configuration "
            + "names hold-release (two-person approval, ADR 0043), a team's release answers 202 with the pending change: "
            + "the hold stays in force until another person of the team approves it. With an Idempotency-Key (a team's or an "
            + "auditor's) a repeated request gets the first answer, and a release waiting for approval is asked for once.";

    private static final String LIST_DESCRIPTION = "The holds placed on it, active and released, newest first, a page at a "
            + "time: pass the answer's `next` back as `after` for the following page (`next` is null on the last). A "
            + "cursor that is no hold on this point is 404 HOLD_NOT_FOUND. Unlike VPS.org's own lists, an unknown query "
            + "parameter is 400 UNKNOWN_QUERY_PARAMETER and a repeated one INVALID_QUERY_PARAMETER.";
    private static final int DEFAULT_PAGE = 100;
    private static final Set<String> LIST_PARAMETERS = Set.of("limit", "after");

    private final RecoveryPointHoldsUseCase holds;
    private final PendingChangesService changes;
    private final IdempotentRequests idempotent;
    private final RequestBodies bodies;

    public HoldsController(RecoveryPointHoldsUseCase holds, PendingChangesService changes, IdempotentRequests idempotent,
                           RequestBodies bodies) {
        this.holds = holds;
        this.changes = changes;
        this.idempotent = idempotent;
        this.bodies = bodies;
    }

    // The snapshot and backup endpoints repeat their @Operation and answers on purpose: micronaut-openapi takes no
    // @Operation from a meta-annotation, a success answer from one adds a default 200 beside it, and any method-level
    // meta-annotation of ours moves the holds tag in the generated document (session 39, its yml compared).
    @Post(value = "/snapshots/{snapshot_id}/holds/", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Hold a snapshot against deletion", description = PLACE_DESCRIPTION,
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "201", description = "held",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.Body
    @ProblemResponses.KeyReused
    public HttpResponse<?> holdSnapshot(HttpRequest<?> request,
            @SnapshotIdParameter @PathVariable("snapshot_id") String snapshotId,
            @Valid @Body FacadeRequests.PlaceHoldRequest body) {
        return place(request, snapshot(snapshotId), body);
    }

    @Post(value = "/backups/{backup_id}/holds/", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Hold a backup against deletion", description = PLACE_DESCRIPTION,
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "201", description = "held",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.Body
    @ProblemResponses.KeyReused
    public HttpResponse<?> holdBackup(HttpRequest<?> request,
            @BackupIdParameter @PathVariable("backup_id") String backupId,
            @Valid @Body FacadeRequests.PlaceHoldRequest body) {
        return place(request, backup(backupId), body);
    }

    @Get("/snapshots/{snapshot_id}/holds/")
    @Operation(summary = "The holds on a snapshot", description = LIST_DESCRIPTION)
    @ApiResponse(responseCode = "200", description = "a page of the snapshot's holds",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.NotFound
    public HoldPageJson snapshotHolds(HttpRequest<?> request, @SnapshotIdParameter @PathVariable("snapshot_id") String snapshotId,
            @PageLimitParameter @Nullable @QueryValue("limit") String limit,
            @PageAfterParameter @Nullable @QueryValue("after") String after) {
        return list(request, snapshot(snapshotId), limit, after);
    }

    @Get("/backups/{backup_id}/holds/")
    @Operation(summary = "The holds on a backup", description = LIST_DESCRIPTION)
    @ApiResponse(responseCode = "200", description = "a page of the backup's holds",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.NotFound
    public HoldPageJson backupHolds(HttpRequest<?> request, @BackupIdParameter @PathVariable("backup_id") String backupId,
            @PageLimitParameter @Nullable @QueryValue("limit") String limit,
            @PageAfterParameter @Nullable @QueryValue("after") String after) {
        return list(request, backup(backupId), limit, after);
    }

    /** Paged as the policies' list is: {@code limit} and {@code after}, the answer's {@code next} when more follow. */
    private HoldPageJson list(HttpRequest<?> request, ResourceRef point, @Nullable String rawLimit, @Nullable String rawAfter) {
        // An extension of the platform's own under VPS.org's paths: checked strictly, as the platform's own lists are.
        StrictQueryParameters.check(request, LIST_PARAMETERS);
        int limit = PageParameters.size(rawLimit, RecoveryPointHolds.MAX_PAGE, DEFAULT_PAGE);
        Optional<HoldId> after = PageParameters.after(rawAfter, HoldId::parse, "a hold id (a UUID)");
        HoldActor asker = actor(request);
        return HoldJson.page(holds.listHolds(asker, point, after, limit), asker);
    }

    @Delete("/snapshots/{snapshot_id}/holds/{hold_id}/")
    @Operation(summary = "Release a hold on a snapshot", description = RELEASE_DESCRIPTION,
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "200", description = "released: the hold, now inactive",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"}))})
    @ApiResponse(responseCode = "202", description = PendingChangeJson.PENDING_ANSWER,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangeJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.KeyReused
    public HttpResponse<?> releaseSnapshotHold(HttpRequest<?> request,
            @SnapshotIdParameter @PathVariable("snapshot_id") String snapshotId,
            @HoldIdParameter @PathVariable("hold_id") String holdId) {
        return release(request, snapshot(snapshotId), holdId);
    }

    @Delete("/backups/{backup_id}/holds/{hold_id}/")
    @Operation(summary = "Release a hold on a backup", description = RELEASE_DESCRIPTION,
            parameters = @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER,
                    description = OpenApiPatterns.IDEMPOTENCY_KEY_DESCRIPTION, schema = @Schema(type = "string",
                    pattern = OpenApiPatterns.IDEMPOTENCY_KEY, maxLength = OpenApiPatterns.IDEMPOTENCY_KEY_MAX_LENGTH)))
    @ApiResponse(responseCode = "200", description = "released: the hold, now inactive",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"}))})
    @ApiResponse(responseCode = "202", description = PendingChangeJson.PENDING_ANSWER,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangeJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = IdempotentRequests.REPLAYED_HEADER, description = OpenApiPatterns.REPLAYED_HEADER_DESCRIPTION, schema = @Schema(type = "string", allowableValues = {"true"})),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    @ProblemResponses.NotFound
    @ProblemResponses.Change
    @ProblemResponses.KeyReused
    public HttpResponse<?> releaseBackupHold(HttpRequest<?> request,
            @BackupIdParameter @PathVariable("backup_id") String backupId,
            @HoldIdParameter @PathVariable("hold_id") String holdId) {
        return release(request, backup(backupId), holdId);
    }

    private HttpResponse<?> place(HttpRequest<?> request, ResourceRef point, FacadeRequests.PlaceHoldRequest body) {
        HoldReason reason = RequestFields.domainValue("reason", body.reason(), HoldReason::given);
        HoldCaller caller = caller(request);
        Supplier<MutableHttpResponse<?>> placed = () -> HttpResponse.created(HoldJson.of(
                        holds.placeHold(new PlaceHoldCommand(caller, point, reason)), caller.actor()))
                .header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
        return idempotent.run(request, bodies.fingerprintText(body), placed);
    }

    private HttpResponse<?> release(HttpRequest<?> request, ResourceRef point, String rawHoldId) {
        HoldId id;
        try {
            id = HoldId.parse(rawHoldId);
        } catch (IllegalArgumentException notAUuid) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "hold_id", "hold_id must be a UUID");
        }
        HoldCaller caller = caller(request);
        Supplier<MutableHttpResponse<?>> released = () -> switch (
                changes.releaseHold(new ReleaseHoldCommand(caller, point, id))) {
            case Gated.Done<RecoveryPointHold>(RecoveryPointHold hold) -> HttpResponse.ok(HoldJson.of(hold, caller.actor()));
            case Gated.Waiting<RecoveryPointHold>(var pending) -> PendingChangeJson.accepted(pending);
        };
        return idempotent.run(request, "", released);
    }

    private static HoldCaller caller(HttpRequest<?> request) {
        return new HoldCaller(actor(request), RequestAttributes.requestIdOrNew(request), RequestAttributes.operationId(request),
                RequestAttributes.actor(request));
    }

    private static HoldActor actor(HttpRequest<?> request) {
        return switch (RequestAttributes.caller(request)) {
            case Caller.Team team -> new HoldActor.Team(team.team());
            case Caller.Auditor auditor -> new HoldActor.Auditor(auditor.auditor().name());
        };
    }

    private static ResourceRef snapshot(String raw) {
        return new ResourceRef(ResourceRef.Type.SNAPSHOT, RequestFields.parseId(raw, "snapshot_id", RequestReason.INVALID_ID));
    }

    private static ResourceRef backup(String raw) {
        return new ResourceRef(ResourceRef.Type.BACKUP, RequestFields.parseId(raw, "backup_id", RequestReason.INVALID_ID));
    }
}

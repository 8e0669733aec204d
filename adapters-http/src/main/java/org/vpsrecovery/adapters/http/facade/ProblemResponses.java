package org.vpsrecovery.adapters.http.facade;

import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem+json answers in the OpenAPI document, grouped by which operations can give them,
 * so that each operation lists its error codes without repeating them. Documentation only: the
 * answers themselves come from {@link FacadeProblems} and {@link ProblemErrorResponses}.
 */
public final class ProblemResponses {

    /**
     * The 503s any call under /api/ may get, whatever else its own 503 says: each operation's 503 ends with this (an
     * operation that documents a 503 of its own replaces {@link Common}'s, so it repeats these).
     */
    static final String ANY_UNAVAILABLE = "this instance is stopping (INSTANCE_DRAINING: another instance answers, "
            + "retry after 1 s), the identity provider that checks person tokens is out of reach "
            + "(IDENTITY_PROVIDER_UNAVAILABLE), or the platform's own store is (PLATFORM_UNAVAILABLE); nothing was done: "
            + "retry after Retry-After seconds";
    /** {@link Common}'s 400, which {@link Create}, {@link Restore} and {@link Delete} extend with their own refusals. */
    static final String BAD_REQUEST = "Invalid input, refused before anything changed: INVALID_ID, "
            + "INVALID_FIELD, INVALID_JSON, INVALID_QUERY_PARAMETER, UNKNOWN_QUERY_PARAMETER, INVALID_TIME_RANGE (a "
            + "report's from or to out of its bounds, or from not before to), PAGE_SIZE_OUT_OF_RANGE (a list's limit), INVALID_CURSOR "
            + "(a list's cursor or after), INVALID_REQUEST_ID, INVALID_IDEMPOTENCY_KEY, INVALID_IF_MATCH (a policy's "
            + "If-Match that is no ETag of one), MALFORMED_REQUEST, INVALID_URI, BAD_REQUEST (any other request HTTP "
            + "itself refuses), TEAM_NOT_THE_TOKENS (X-Vpsr-Team naming another team than a service "
            + "token's), TEAM_NOT_CHOSEN (a person's JWT naming several teams, none chosen with X-Vpsr-Team); a limit "
            + "reached (e.g. SNAPSHOT_LIMIT_REACHED); VPS.org's refusal (PROVIDER_REJECTED, or PROVIDER_LIMIT_REACHED "
            + "when its words speak of one of its limits) of a call it answered 400 or an unexpected 4xx, for good (one that says "
            + "\"not now\" is 409 PROVIDER_BUSY)";
    /** The refusals of a change while its server is restoring, which {@link Create}, {@link Restore}, {@link Delete} name. */
    private static final String RETRY_AFTER_WHILE_RESTORING = "with Retry-After, the seconds until the hold of the "
            + "platform's restore ends, when one holds the server; none when VPS.org restores it alone";
    /** VPS.org's failures ({@link Provider}'s 502, 503 and 504), also named by {@link ProviderAndAuditReads}. */
    static final String PROVIDER_FAILED = "VPS.org failed (PROVIDER_UNAVAILABLE, PROVIDER_MALFORMED_RESPONSE, "
            + "PROVIDER_UNAUTHORIZED)";
    static final String PROVIDER_UNAVAILABLE = "VPS.org is unreachable or rate-limits the platform "
            + "(PROVIDER_UNAVAILABLE, PROVIDER_RATE_LIMITED), the platform's own store is out of reach "
            + "(PLATFORM_UNAVAILABLE), or a change's server lock was lost before VPS.org was called (SERVER_LOCK_LOST), "
            + "or a create, delete or restore was refused unsent because the platform's database was restored from a "
            + "backup and the operator has not yet ended the pause after it (PAUSED_AFTER_RESTORE, audited REJECTED): "
            + "retry after Retry-After seconds (VPS.org's own, at most 86400)";
    static final String PROVIDER_OUTCOME_UNKNOWN = "VPS.org did not answer in time (PROVIDER_TIMEOUT), or a change's "
            + "outcome is unknown (OUTCOME_UNKNOWN), or the platform's own store failed while committing a change it "
            + "makes alone, a hold's placement or release or a request stored to wait for approval "
            + "(PLATFORM_OUTCOME_UNKNOWN): it may have taken effect; list before trying again. No Retry-After";
    /** {@link AuditReads}' 503, also named by {@link ProviderAndAuditReads}. */
    static final String AUDIT_READS_BUSY = "This instance already runs as many long audit reads (or pages of audit "
            + "events) as it allows, or you already run your share of long reads (AUDIT_READS_BUSY); nothing was read: "
            + "retry after Retry-After seconds";

    private ProblemResponses() {
    }

    /** Any call under /api/: bad input, no or a wrong token, a role that may not, over the fair share, the unexpected. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "400", description = BAD_REQUEST,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "401", description = "No valid team or auditor token (UNAUTHORIZED)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "403", description = "NOT_ENTITLED (a valid person's token naming no role of this "
            + "service, both roles, no configured team or not the team chosen), FORBIDDEN_FOR_ROLE (an auditor token outside the audit "
            + "reports and holds, or a team token naming another team), LEGAL_HOLD_NOT_RELEASABLE (a team releasing an "
            + "auditor's legal hold), APPROVAL_NEEDS_A_PERSON (a service token asking for a change that needs a second "
            + "person's approval) or CROSS_ORIGIN_REFUSED",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = "No route for this path (ROUTE_NOT_FOUND)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "405", description = "The path has no route for this method (METHOD_NOT_ALLOWED)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "406", description = "Accept names no type this answer is given in (NOT_ACCEPTABLE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "414", description = "The request line is longer than this API accepts (URI_TOO_LONG)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "429", description = "The team is over its fair share of VPS.org (ADR 0037): "
            + "its request rate is spent (TEAM_RATE_LIMITED) or it has as many requests in flight as it may "
            + "(TEAM_CALLS_IN_FLIGHT_LIMITED); or, on a page of audit events, you already read as many pages at once "
            + "as one reader may (AUDIT_READS_BUSY); nothing was done: retry after Retry-After seconds",
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    @ApiResponse(responseCode = "431", description = "The request headers are too large (HEADERS_TOO_LARGE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "500", description = "An unexpected error (INTERNAL_ERROR): quote the request id",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "503", description = "Unavailable: " + ANY_UNAVAILABLE,
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public @interface Common {
    }

    /** Operations on one snapshot, backup or server: missing, or another team's (the same answer). */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "404", description = "No such snapshot, backup or server for this team: "
            + "SNAPSHOT_NOT_FOUND, BACKUP_NOT_FOUND, SERVER_NOT_FOUND, HOLD_NOT_FOUND; or VPS.org's own 404, passed on "
            + "(PROVIDER_NOT_FOUND)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public @interface NotFound {
    }

    /** Operations that call VPS.org. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "502", description = PROVIDER_FAILED,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "503", description = PROVIDER_UNAVAILABLE + "; or " + ANY_UNAVAILABLE,
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    @ApiResponse(responseCode = "504", description = PROVIDER_OUTCOME_UNKNOWN,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    public @interface Provider {
    }

    /** Changes the platform makes in its own store alone (policies, webhook subscriptions): a commit in doubt. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "504", description = "The platform's own store failed while committing the change "
            + "(PLATFORM_OUTCOME_UNKNOWN): it may have taken effect; list or read before trying again. No Retry-After "
            + "(a 503 PLATFORM_UNAVAILABLE with Retry-After is the one that says nothing was done)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public @interface OwnCommit {
    }

    /** The long audit reads: an export, a summary, a walk of the chain (ADR 0062). */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "503", description = AUDIT_READS_BUSY + "; or " + ANY_UNAVAILABLE,
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public @interface AuditReads {
    }

    /**
     * A long audit read that also reads VPS.org (the recoverability report): {@link Provider}'s answers, its 503 naming
     * {@link AuditReads}' too (an operation's 503 is one answer: the first annotation giving one wins, so the route
     * takes this instead of both).
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "502", description = PROVIDER_FAILED,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "503", description = PROVIDER_UNAVAILABLE + "; " + AUDIT_READS_BUSY + "; or "
            + ANY_UNAVAILABLE,
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    @ApiResponse(responseCode = "504", description = PROVIDER_OUTCOME_UNKNOWN,
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))})
    public @interface ProviderAndAuditReads {
    }

    /**
     * The reads of the audit events themselves: a page, the CSV export (ADR 0005, amended in session 40), the summary's
     * parts of a day and the recoverability report's last create and restore (amended in session 41).
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "409", description = "AUDIT_EVENT_ALTERED: a stored event the read reached no longer "
            + "reads as an audit event (it was changed outside the platform); `sequence` names it. Nothing was answered "
            + "around it: run GET /api/v1/audit/verify/ (vpsr audit verify) and tell the platform's operators; asking "
            + "again answers the same. An export already streaming when it reaches such an event writes a last line "
            + "beginning `#AUDIT_EVENT_ALTERED` and ends without the chunked body's end, so no client takes it as whole",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public @interface AuditEvents {
    }

    /** Operations that change something at VPS.org (audited; one at a time per server). */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "409", description = "SERVER_BUSY (another change on the server is under way) or "
            + "IDEMPOTENT_REQUEST_IN_PROGRESS: retry after Retry-After seconds; IDEMPOTENT_REQUEST_INTERRUPTED: the "
            + "first request with this Idempotency-Key died after it was accepted and is not sent again; "
            + "X-Operation-Id names the operation that shows how it ends. RECOVERY_POINT_IN_USE (a delete of the "
            + "snapshot or backup a restore reads, until its hold is over): Retry-After is the seconds until the "
            + "hold's window ends (it may end sooner, if its owner releases it). PROVIDER_BUSY (VPS.org refused for now: its "
            + "words speak of a state that passes by itself, the server being restored, a point being made, or it "
            + "gave a Retry-After): Retry-After is VPS.org's, else 30 s. NO_RESTORE_HOLD (no hold to "
            + "release), RECOVERY_POINT_HELD (a delete of a held snapshot or backup), RECOVERY_POINT_BEING_DELETED (a "
            + "hold on a point whose delete is under way), HOLD_ALREADY_RELEASED or ROTATION_NOT_POSSIBLE (a restore "
            + "whose safety snapshot needed room, and VPS.org refused for good the delete of the snapshot that would "
            + "have made it; the detail names it): no Retry-After. VPS.org's own 409 refusal for good, "
            + "passed on (PROVIDER_REJECTED, PROVIDER_LIMIT_REACHED): no Retry-After (one VPS.org sent a Retry-After "
            + "with is PROVIDER_BUSY)",
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public @interface Change {
    }

    /**
     * Requests with a body: its size and type. The Idempotency-Key's answers are documented apart ({@link KeyReused},
     * {@link Idempotent}), on every operation that takes one.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "413", description = "The body is larger than 16 KiB (BODY_TOO_LARGE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "415", description = "The body is not application/json in UTF-8 (UNSUPPORTED_MEDIA_TYPE)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public @interface Body {
    }

    /**
     * Any operation that takes an Idempotency-Key ({@link IdempotentRequests#run}): the key sent with another request.
     * Its 409s are in {@link Change}, or in {@link Idempotent} where the operation has no other 409.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "422", description = "This Idempotency-Key was used for another request "
            + "(IDEMPOTENCY_KEY_REUSED); on an operation that calls VPS.org, VPS.org's own 422 refusal for good, passed on "
            + "(PROVIDER_REJECTED, PROVIDER_LIMIT_REACHED; one VPS.org sent a Retry-After with is 409 PROVIDER_BUSY)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public @interface KeyReused {
    }

    /** An operation that takes an Idempotency-Key and changes nothing at VPS.org (policies): the key's 409 and 422. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @KeyReused
    @ApiResponse(responseCode = "409", description = "IDEMPOTENT_REQUEST_IN_PROGRESS (the first request with this "
            + "Idempotency-Key is still running): retry after Retry-After seconds; IDEMPOTENT_REQUEST_INTERRUPTED: the "
            + "first request with this Idempotency-Key died after it was accepted and is not run again (no Retry-After)",
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH)),
                    @Header(name = RequestAttributes.OPERATION_ID_HEADER, description = OpenApiPatterns.OPERATION_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", format = "uuid", maxLength = 36))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public @interface Idempotent {
    }

    /** A new snapshot or backup: {@link Common}'s 400 and the server being restored (ADR 0003, amended in session 49). */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "400", description = BAD_REQUEST + "; SERVER_RESTORING (" + RETRY_AFTER_WHILE_RESTORING
            + ")",
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public @interface Create {
    }

    /** A restore: {@link Common}'s 400, a point not completed, a server that may not be restored now. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "400", description = BAD_REQUEST + "; SNAPSHOT_NOT_COMPLETED or BACKUP_NOT_COMPLETED "
            + "(the point is not completed; no Retry-After), SERVER_NOT_RESTORABLE (the server is already being "
            + "restored, " + RETRY_AFTER_WHILE_RESTORING + "; or the snapshot is another server's, no Retry-After)",
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public @interface Restore {
    }

    /** A delete of a snapshot or backup: {@link Common}'s 400, the point still being made, its server restoring. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "400", description = BAD_REQUEST + "; SNAPSHOT_IN_PROGRESS or BACKUP_IN_PROGRESS (the "
            + "point is still being made; no Retry-After), SERVER_RESTORING (" + RETRY_AFTER_WHILE_RESTORING + ")",
            headers = {@Header(name = "Retry-After", description = "seconds to wait before trying again",
                    schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "86400")),
                    @Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))},
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)))
    public @interface Delete {
    }

    /** POSTs: a body (size, type) and an Idempotency-Key. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Body
    @KeyReused
    public @interface Post {
    }
}

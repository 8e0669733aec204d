package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;

/** An operation on the wire; mapped from the domain here only. */
@Serdeable
public record OperationJson(String id, String state, @JsonProperty("final") boolean isFinal, String operation,
                            @JsonProperty("server_id") long serverId, @Nullable ResourceJson resource,
                            @JsonProperty("request_id") String requestId, String team,
                            @JsonProperty("accepted_at") String acceptedAt, @JsonProperty("updated_at") String updatedAt,
                            String deadline, @Nullable String note, @Nullable ApprovalJson approval) {

    /** Who acted: the subject and how they authenticated (never a token). */
    @Serdeable
    public record ActorJson(String subject, String authentication) {
    }

    /** The two-person rule on this operation (ADR 0040): who asked, until when, and the decision once made. */
    @Serdeable
    public record ApprovalJson(@JsonProperty("requested_by") ActorJson requestedBy,
                               @JsonProperty("requested_at") String requestedAt,
                               @JsonProperty("expires_at") String expiresAt,
                               @JsonProperty("skip_safety_snapshot") boolean skipSafetySnapshot,
                               @Nullable DecisionJson decision) {
    }

    @Serdeable
    public record DecisionJson(String decision, @JsonProperty("decided_by") ActorJson decidedBy,
                               @JsonProperty("decided_at") String decidedAt, @Nullable String reason) {
    }

    @Serdeable
    public record ResourceJson(String type, long id) {
    }

    /** A page of operations, newest first; {@code next} is null on the last (ADR 0024, amended in session 52). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OperationPageJson(int count, List<OperationJson> results, @Nullable String next) {
    }

    static final String PENDING_APPROVAL_ANSWER = "the team's requests of this kind need a second person: checked now, "
            + "the operation is pending_approval until another person of the team decides at "
            + "POST /api/v1/operations/{id}/approval/ (its id is X-Operation-Id). Only a person signed in through the "
            + "identity provider (a JWT) may ask for it: a service token is refused 403 APPROVAL_NEEDS_A_PERSON, audited "
            + "REJECTED, and nothing is asked of VPS.org or stored";

    /** A delete's answer: 204 when it was done at once, 202 with the operation when it waits for approval (ADR 0040). */
    static io.micronaut.http.MutableHttpResponse<?> deleteAnswer(io.micronaut.http.HttpRequest<?> request,
                                                                 java.util.Optional<RecoveryOperation> pending) {
        io.micronaut.http.MutableHttpResponse<?> response = pending
                .<io.micronaut.http.MutableHttpResponse<?>>map(p -> io.micronaut.http.HttpResponse.accepted().body(of(p)))
                .orElseGet(io.micronaut.http.HttpResponse::noContent);
        return response.header(RequestAttributes.OPERATION_ID_HEADER, RequestAttributes.operationId(request).toString());
    }

    static OperationJson of(RecoveryOperation o) {
        return new OperationJson(o.id().toString(), o.state().wireName(), o.isFinal(),
                o.kind().name().toLowerCase(Locale.ROOT), o.server().value(),
                o.resource().map(r -> new ResourceJson(r.type().name().toLowerCase(Locale.ROOT), r.id())).orElse(null),
                o.requestId().value(), o.team().value(), o.acceptedAt().toString(), o.updatedAt().toString(),
                o.deadline().toString(), o.note().orElse(null), o.approval().map(OperationJson::approval).orElse(null));
    }

    static ApprovalJson approval(Approval a) {
        return new ApprovalJson(actor(a.requester()), a.requestedAt().toString(), a.expiresAt().toString(),
                a.skipSafetySnapshot(), a.decision().map(d -> new DecisionJson(d.verdict().wireName(), actor(d.by()),
                        d.at().toString(), d.reason().orElse(null))).orElse(null));
    }

    private static ActorJson actor(Actor actor) {
        return new ActorJson(actor.subject(), actor.authentication().wireName());
    }

    /** {@code next}: the last operation's id when more follow (the use case read one more). */
    static OperationPageJson page(KeysetPage<RecoveryOperation, OperationId> page) {
        return new OperationPageJson(page.items().size(), page.items().stream().map(OperationJson::of).toList(),
                page.next().map(OperationId::toString).orElse(null));
    }
}

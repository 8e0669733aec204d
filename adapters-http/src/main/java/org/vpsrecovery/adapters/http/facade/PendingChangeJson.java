package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.adapters.http.facade.OperationJson.ApprovalJson;
import org.vpsrecovery.adapters.http.facade.OperationJson.ResourceJson;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;

/**
 * A change of the platform's own records waiting for, or decided by, a second person (ADR 0043), and what it will
 * do: the hold it releases, or the policy it creates, replaces or deletes, with the version it was asked against
 * and the policy document it will write. Mapped from the domain here only.
 */
@Serdeable
public record PendingChangeJson(String id, String state, @JsonProperty("final") boolean isFinal, String change,
                                @JsonProperty("request_id") String requestId, String team,
                                @JsonProperty("updated_at") String updatedAt, @Nullable String note,
                                @JsonProperty("hold_id") @Nullable String holdId, @Nullable ResourceJson resource,
                                @JsonProperty("server_id") @Nullable Long serverId,
                                @JsonProperty("policy_id") @Nullable String policyId,
                                @JsonProperty("policy_version") @Nullable Long policyVersion,
                                @Nullable PolicyJson policy, ApprovalJson approval) {

    static final String PENDING_ANSWER = "the team's changes of this kind need a second person: checked now, nothing "
            + "changes until another person of the team approves at POST /api/v1/operations/{id}/approval/ (its id is "
            + "X-Operation-Id); GET /api/v1/changes/{id}/ shows what it will do";

    /** 202 with the pending change, its id as X-Operation-Id (the request's operation id). */
    static io.micronaut.http.MutableHttpResponse<PendingChangeJson> accepted(PendingChange change) {
        return io.micronaut.http.HttpResponse.accepted().body(of(change))
                .header(RequestAttributes.OPERATION_ID_HEADER, change.id().toString());
    }

    static PendingChangeJson of(PendingChange c) {
        // The document as it will be written: a create's version 1, an update's next version (times: the request's).
        PolicyJson document = c.document().map(spec -> PolicyJson.of(new RecoveryPolicy(c.policy().orElseThrow(), c.team(),
                spec, c.kind() == Operation.CREATE_POLICY ? 1 : c.policyVersion().getAsLong() + 1,
                c.approval().requestedAt(), c.approval().requestedAt()))).orElse(null);
        return new PendingChangeJson(c.id().toString(), c.state().wireName(), c.isFinal(), wireName(c.kind()),
                c.requestId().value(), c.team().value(), c.updatedAt().toString(), c.note().orElse(null),
                c.hold().map(Object::toString).orElse(null),
                c.point().map(p -> new ResourceJson(p.type().name().toLowerCase(Locale.ROOT), p.id())).orElse(null),
                c.server().map(s -> s.value()).orElse(null), c.policy().map(Object::toString).orElse(null),
                c.policyVersion().isPresent() ? c.policyVersion().getAsLong() : null, document,
                OperationJson.approval(c.approval()));
    }

    /** A page of a team's changes, each as {@code GET /api/v1/changes/{id}/} shows it; {@code next} null on the last. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PendingChangePageJson(int count, List<PendingChangeJson> results, @Nullable String next) {
    }

    /** {@code next}: the last change's id when more follow (the use case read one more). */
    static PendingChangePageJson page(KeysetPage<PendingChange, OperationId> page) {
        return new PendingChangePageJson(page.items().size(), page.items().stream().map(PendingChangeJson::of).toList(),
                page.next().map(OperationId::toString).orElse(null));
    }

    /** {@code hold_release}, {@code policy_create}, {@code policy_update} or {@code policy_delete}. */
    static String wireName(Operation kind) {
        return switch (kind) {
            case RELEASE_RECOVERY_POINT_HOLD -> "hold_release";
            case CREATE_POLICY -> "policy_create";
            case UPDATE_POLICY -> "policy_update";
            case DELETE_POLICY -> "policy_delete";
            default -> throw new IllegalArgumentException(kind + " is not a pending change");
        };
    }
}

package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.domain.operation.RecoveryOperation;

/** An operation on the wire; mapped from the domain here only. */
@Serdeable
public record OperationJson(String id, String state, @JsonProperty("final") boolean isFinal, String operation,
                            @JsonProperty("server_id") long serverId, @Nullable ResourceJson resource,
                            @JsonProperty("request_id") String requestId, String team,
                            @JsonProperty("accepted_at") String acceptedAt, @JsonProperty("updated_at") String updatedAt,
                            String deadline, @Nullable String note) {

    @Serdeable
    public record ResourceJson(String type, long id) {
    }

    @Serdeable
    public record OperationPageJson(int count, List<OperationJson> results) {
    }

    static OperationJson of(RecoveryOperation o) {
        return new OperationJson(o.id().toString(), o.state().wireName(), o.isFinal(),
                o.kind().name().toLowerCase(Locale.ROOT), o.server().value(),
                o.resource().map(r -> new ResourceJson(r.type().name().toLowerCase(Locale.ROOT), r.id())).orElse(null),
                o.requestId().value(), o.team().value(), o.acceptedAt().toString(), o.updatedAt().toString(),
                o.deadline().toString(), o.note().orElse(null));
    }

    static OperationPageJson page(List<RecoveryOperation> operations) {
        return new OperationPageJson(operations.size(), operations.stream().map(OperationJson::of).toList());
    }
}

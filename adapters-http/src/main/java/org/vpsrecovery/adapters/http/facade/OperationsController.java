package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.vpsrecovery.adapters.http.facade.OperationJson.OperationPageJson;
import org.vpsrecovery.application.operation.GetOperationUseCase;
import org.vpsrecovery.application.operation.ListOperationsUseCase;
import org.vpsrecovery.application.operation.ReadOperationsService;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The platform's operations (an extension VPS.org lacks): each changing request's progress at
 * VPS.org, to its end. {@code ?wait=N} (0-60 s) answers as soon as the operation is final, or after
 * N seconds as it stands; it waits on a worker thread, never on the event loop.
 */
@Controller("/api/v1/operations")
@ExecuteOn(TaskExecutors.BLOCKING)
public class OperationsController {

    private final GetOperationUseCase get;
    private final ListOperationsUseCase list;

    public OperationsController(GetOperationUseCase get, ListOperationsUseCase list) {
        this.get = get;
        this.list = list;
    }

    @Get("/{operation_id}/")
    public OperationJson getOperation(HttpRequest<?> request, @PathVariable("operation_id") String operationId,
                                      @Nullable @QueryValue("wait") String wait) {
        OperationId id;
        try {
            id = OperationId.parse(operationId);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "operation_id", "operation_id must be a UUID");
        }
        Duration waitFor = Duration.ofSeconds(wait == null ? 0
                : bounded(wait, "wait", 0, ReadOperationsService.MAX_WAIT.toSeconds()));
        return OperationJson.of(get.getOperation(RequestAttributes.auditReader(request), id, waitFor));
    }

    @Get("/")
    public OperationPageJson listOperations(HttpRequest<?> request, @Nullable @QueryValue("server_id") String serverId,
                                            @Nullable @QueryValue("state") String state,
                                            @Nullable @QueryValue("limit") String limit) {
        Optional<ServerId> server = Optional.ofNullable(serverId)
                .map(raw -> new ServerId(JsonFields.parseId(raw, "server_id", RequestReason.INVALID_QUERY_PARAMETER)));
        Optional<OperationState> wanted = Optional.ofNullable(state).map(OperationsController::state);
        int size = limit == null ? 100 : (int) bounded(limit, "limit", 1, RecoveryOperations.MAX_PAGE);
        return OperationJson.page(list.listOperations(RequestAttributes.auditReader(request), server, wanted, size));
    }

    private static OperationState state(String raw) {
        for (OperationState candidate : OperationState.values()) {
            if (candidate.wireName().equals(raw.toLowerCase(Locale.ROOT))) {
                return candidate;
            }
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "state",
                "state must be one of accepted, in_progress, unresolved, completed, failed, vanished, timed_out");
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

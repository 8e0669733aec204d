package org.vpsrecovery.application.operation;

import java.util.List;
import org.vpsrecovery.domain.operation.RecoveryOperation;

/**
 * Operations not yet final, newest first, as many as were asked for; {@code more}: others, older, are in flight too and
 * were left out.
 */
public record OperationsInFlight(List<RecoveryOperation> operations, boolean more) {

    public OperationsInFlight {
        operations = List.copyOf(operations);
    }
}

package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import org.vpsrecovery.adapters.http.facade.OperationWaits;

/**
 * {@value #NAME}: the long polls ({@code GET /api/v1/operations/{id}/?wait=}) running on this instance, of its
 * {@code vpsr.operations.max-waits} slots (ADR 0024), read on each scrape: an operator sees waits near the bound before
 * they are refused, and the waits a stop would end (ADR 0038; its drain ends them all at once, so the gauge does not
 * count a drain down).
 */
@Context
public class OperationWaitsGauge {

    static final String NAME = "vpsr.operations.waits.in_use";

    public OperationWaitsGauge(OperationWaits waits, MeterRegistry registry) {
        Gauge.builder(NAME, waits, OperationWaits::inUse)
                .description("Long polls of operations (?wait=) running on this instance, of vpsr.operations.max-waits")
                .register(registry);
    }
}

package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import org.vpsrecovery.adapters.http.facade.OperationWaits;

/**
 * {@value #NAME}: the long polls ({@code GET /api/v1/operations/{id}/?wait=}) running on this instance, of its
 * {@code vpsr.operations.max-waits} slots (ADR 0024), read on each scrape: an operator sees waits near the bound before
 * they are refused, and how many a stop's drain ends (ADR 0038).
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

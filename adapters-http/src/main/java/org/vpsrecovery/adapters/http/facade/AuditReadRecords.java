package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.vpsrecovery.application.audit.AuditRead;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.application.audit.RecordAuditReadUseCase;
import org.vpsrecovery.domain.common.RequestId;

/**
 * Every served read of the audit history leaves an AUDIT_READ event (ADR 0034): who, which report, the
 * filters as given. Written after the use case allowed the read and before the answer goes out; shared
 * by every controller that serves one (the audit reports, the drift report).
 */
public final class AuditReadRecords {

    private AuditReadRecords() {
    }

    public static void record(RecordAuditReadUseCase reads, HttpRequest<?> request, AuditReader reader, String report) {
        RequestId id = RequestAttributes.requestIdOrNew(request);
        String filters = new TreeMap<>(request.getParameters().asMap()).entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> e.getKey() + "=" + v))
                .collect(Collectors.joining("&"));
        reads.recordAuditRead(new AuditRead(reader, RequestAttributes.actor(request), id, report, filters));
    }
}

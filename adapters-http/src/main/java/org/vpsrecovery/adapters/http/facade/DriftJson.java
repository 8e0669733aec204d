package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.drift.RecordedDrift;

/** One drift on the wire (ADR 0035); mapped from the domain here only. Every field is always present, null or not. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DriftJson(long id, String kind, String team, @JsonProperty("server_id") long serverId,
                        @JsonProperty("recovery_point") PointJson recoveryPoint,
                        @JsonProperty("detected_at") String detectedAt, String seen, boolean open,
                        @JsonProperty("resolved_at") @Nullable String resolvedAt, @Nullable String resolution) {

    /** The point that drifted: {@code snapshot} or {@code backup}, and its id at VPS.org. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PointJson(String type, long id) {
    }

    /** A page, newest first; {@code next} goes back as {@code cursor} for the following page (null at the end). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DriftPageJson(int count, @Nullable String next, List<DriftJson> results) {
    }

    static DriftJson of(RecordedDrift recorded) {
        var d = recorded.drift();
        return new DriftJson(recorded.id(), d.kind().wireName(), d.team().value(), d.server().value(),
                new PointJson(d.point().type().name().toLowerCase(Locale.ROOT), d.point().id()), d.detectedAt().toString(),
                d.seen(), d.isOpen(), d.resolution().map(r -> r.at().toString()).orElse(null),
                d.resolution().map(r -> r.how()).orElse(null));
    }

    static DriftPageJson page(KeysetPage<RecordedDrift, Long> page) {
        return new DriftPageJson(page.items().size(), page.next().map(AuditReportParameters::cursorOf).orElse(null),
                page.items().stream().map(DriftJson::of).toList());
    }
}

package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.application.plan.Plan;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;

/**
 * A dry run's answer (ADR 0029): the platform's own JSON, not VPS.org's. {@code safety_snapshot} is the
 * snapshot a restore would take first, null when it takes none (a delete, a team whose setting is off,
 * or skip_safety_snapshot=true).
 */
@Serdeable
public record PlanJson(@JsonProperty("dry_run") boolean dryRun, String action, boolean allowed,
                       @JsonProperty("server_id") long serverId,
                       @JsonProperty("recovery_point") HoldJson.PointJson recoveryPoint,
                       List<VerdictJson> verdicts, List<EffectJson> effects,
                       @Schema(nullable = true, description = "the snapshot of the server's current state a restore would "
                               + "take first; null: none is taken (a delete; the team's safety-snapshot setting is off; "
                               + "or skip_safety_snapshot=true)")
                       @JsonProperty("safety_snapshot") @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable SafetySnapshotJson safetySnapshot) {

    /** The safety snapshot a restore would take: its server, its name's prefix, and whether there is room for it. */
    @Serdeable
    public record SafetySnapshotJson(@JsonProperty("server_id") long serverId,
                                     @JsonProperty("name_prefix") String namePrefix, boolean allowed,
                                     @JsonProperty("reason_code") @Nullable String reasonCode,
                                     @Nullable String detail) {
    }

    /** The query parameter that asks for a plan instead of the action. */
    static final String DRY_RUN = "dry_run";

    @Serdeable
    public record VerdictJson(String policy, boolean allowed, @JsonProperty("reason_code") @Nullable String reasonCode,
                              @Nullable String detail) {
    }

    /** {@code delete} (the point) or {@code overwrite} (the server, with the point's state). */
    @Serdeable
    public record EffectJson(String effect, @JsonProperty("server_id") long serverId,
                             @JsonProperty("recovery_point") HoldJson.PointJson recoveryPoint) {
    }

    static PlanJson of(Plan plan) {
        return new PlanJson(true, plan.action().name().toLowerCase(Locale.ROOT), plan.allowed(), plan.server().value(),
                point(plan.point(), plan.pointServer().value()),
                plan.verdicts().stream().map(PlanJson::verdict).toList(),
                plan.effects().stream().map(PlanJson::effect).toList(),
                plan.safetySnapshot().map(PlanJson::safetySnapshot).orElse(null));
    }

    private static SafetySnapshotJson safetySnapshot(Plan.SafetySnapshot first) {
        return switch (first.room()) {
            case Decision.Allowed allowed -> new SafetySnapshotJson(first.server().value(), first.namePrefix(), true, null, null);
            case Decision.Denied denied -> new SafetySnapshotJson(first.server().value(), first.namePrefix(), false,
                    denied.reason().name(), denied.detail());
        };
    }

    private static VerdictJson verdict(Plan.Verdict v) {
        return switch (v.decision()) {
            case Decision.Allowed allowed -> new VerdictJson(v.policy(), true, null, null);
            case Decision.Denied denied -> new VerdictJson(v.policy(), false, denied.reason().name(), denied.detail());
        };
    }

    private static EffectJson effect(Plan.Effect e) {
        return switch (e) {
            case Plan.Effect.Delete delete -> new EffectJson("delete", delete.server().value(),
                    point(delete.point(), delete.server().value()));
            case Plan.Effect.Overwrite overwrite -> new EffectJson("overwrite", overwrite.server().value(),
                    point(overwrite.source(), overwrite.sourceServer().value()));
        };
    }

    private static HoldJson.PointJson point(ResourceRef ref, long server) {
        return new HoldJson.PointJson(ref.type().name().toLowerCase(Locale.ROOT), ref.id(), server);
    }

    /** {@code dry_run}: absent or {@code false} does the action, {@code true} plans it; anything else is refused. */
    static boolean requested(HttpRequest<?> request) {
        return BooleanQueryParameter.read(request, DRY_RUN);
    }
}

package org.vpsrecovery.domain.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What a team says of a policy, as a whole; created and replaced as one. */
public record PolicySpec(PolicyServers servers, PolicyKind kind, PolicySchedule schedule, NameTemplate nameTemplate,
                         RetentionRules retention) {

    public PolicySpec {
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(nameTemplate, "name template");
        Objects.requireNonNull(retention, "retention");
        nameTemplate.requireRendersFor(kind);
    }

    /** Each field as the audit history writes it: field name to text. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("servers", servers.toString());
        fields.put("kind", kind.wireName());
        fields.put("schedule", schedule.toString());
        fields.put("name_template", nameTemplate.value());
        fields.put("retention", describe(retention));
        return fields;
    }

    /** The fields that differ from {@code before}: name to "before -> after". */
    public Map<String, String> changesFrom(PolicySpec before) {
        Map<String, String> was = before.fields();
        Map<String, String> changes = new LinkedHashMap<>();
        fields().forEach((field, now) -> {
            if (!now.equals(was.get(field))) {
                changes.put(field, was.get(field) + " -> " + now);
            }
        });
        return changes;
    }

    private static String describe(RetentionRules r) {
        return "last=" + r.keepLast() + " within=" + (r.keepWithin().equals(Duration.ZERO) ? "0" : r.keepWithin())
                + " daily=" + r.keepDaily() + " weekly=" + r.keepWeekly() + " monthly=" + r.keepMonthly()
                + " yearly=" + r.keepYearly() + " person_made=" + r.includePersonMade();
    }
}

package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.Decoder;
import io.micronaut.serde.Deserializer;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.stream.StreamSupport;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The body of {@code POST} and {@code PUT /api/v1/policies/}: flat, so that a policy's answer, less
 * its id, version and times, is a body that replaces it. Each field in its own JSON type
 * ({@link StrictJsonFields}); the rules beyond a pattern are the domain values' constructors.
 */
final class PolicyRequests {

    private PolicyRequests() {
    }

    static final String KIND = "^(snapshot|manual_backup)$";
    static final String CRON = "^[0-9A-Za-z*/,?#\\- ]{1,100}$";
    static final String ZONE = "^[A-Za-z0-9_+/-]{1,64}$";
    static final String DURATION = "^P[0-9DTHMS]{1,30}$";
    static final String NAME_TEMPLATE = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]{1,200}$";

    @Serdeable
    record PolicyRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "snapshot", pattern = KIND, maxLength = 13)
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "kind is required") @Pattern(regexp = KIND, message = "kind must be snapshot or manual_backup")
            String kind,
            @ArraySchema(minItems = 1, maxItems = PolicyServers.MAX_LISTED, uniqueItems = true,
                    arraySchema = @Schema(description = "the servers, or all_servers: true"),
                    schema = @Schema(type = "integer", format = "int64", minimum = "1", maximum = OpenApiPatterns.ID_MAXIMUM))
            @JsonProperty("server_ids") @Serdeable.Deserializable(using = IdList.class)
            @Size(min = 1, max = PolicyServers.MAX_LISTED, message = "server_ids must hold 1-100 server ids")
            @Nullable List<Long> serverIds,
            @Schema(description = "every server the team owns, now and later (instead of server_ids)", example = "false")
            @JsonProperty("all_servers") @Serdeable.Deserializable(using = Flag.class) @Nullable Boolean allServers,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "0 3 * * *", pattern = CRON, maxLength = 100,
                    description = "five fields: minute hour day-of-month month day-of-week")
            @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "cron is required") @Pattern(regexp = CRON, message = "cron must be 1-100 characters of "
                    + "a five-field cron expression (e.g. 0 3 * * *)") String cron,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "Europe/Berlin", pattern = ZONE, maxLength = 64)
            @JsonProperty("time_zone") @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "time_zone is required") @Pattern(regexp = ZONE, message = "time_zone must be an IANA "
                    + "time zone such as Europe/Berlin or UTC") String timeZone,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "nightly-{server_id}-{date}",
                    pattern = NAME_TEMPLATE, maxLength = NameTemplate.MAX_LENGTH,
                    description = "placeholders {server_id}, {date} (yyyyMMdd), {time} (HHmm); renders a snapshot "
                            + "name (letters, digits, hyphens, underscores, up to 64) or a backup's description")
            @JsonProperty("name_template") @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @NotNull(message = "name_template is required") String nameTemplate,
            @Schema(example = "7", minimum = "0", maximum = "1000", format = "int32")
            @JsonProperty("keep_last") @Serdeable.Deserializable(using = Count.class)
            @Max(value = RetentionRules.MAX_COUNT, message = "keep_last must be 0-1000") @Nullable Long keepLast,
            @Schema(example = "P14D", pattern = DURATION, maxLength = 32, description = "ISO-8601 duration, e.g. P14D or PT36H")
            @JsonProperty("keep_within") @Serdeable.Deserializable(using = StrictJsonFields.Text.class)
            @Pattern(regexp = DURATION, message = "keep_within must be an ISO-8601 duration such as P14D or PT36H")
            @Nullable String keepWithin,
            @Schema(example = "7", minimum = "0", maximum = "1000", format = "int32")
            @JsonProperty("keep_daily") @Serdeable.Deserializable(using = Count.class)
            @Max(value = RetentionRules.MAX_COUNT, message = "keep_daily must be 0-1000") @Nullable Long keepDaily,
            @Schema(example = "4", minimum = "0", maximum = "1000", format = "int32")
            @JsonProperty("keep_weekly") @Serdeable.Deserializable(using = Count.class)
            @Max(value = RetentionRules.MAX_COUNT, message = "keep_weekly must be 0-1000") @Nullable Long keepWeekly,
            @Schema(example = "12", minimum = "0", maximum = "1000", format = "int32")
            @JsonProperty("keep_monthly") @Serdeable.Deserializable(using = Count.class)
            @Max(value = RetentionRules.MAX_COUNT, message = "keep_monthly must be 0-1000") @Nullable Long keepMonthly,
            @Schema(example = "1", minimum = "0", maximum = "1000", format = "int32")
            @JsonProperty("keep_yearly") @Serdeable.Deserializable(using = Count.class)
            @Max(value = RetentionRules.MAX_COUNT, message = "keep_yearly must be 0-1000") @Nullable Long keepYearly,
            @Schema(example = "false", description = "whether retention may delete person-made points (default false)")
            @JsonProperty("include_person_made") @Serdeable.Deserializable(using = Flag.class)
            @Nullable Boolean includePersonMade) {

        /** The domain's policy, or the first field (in body order) that breaks a rule a pattern cannot say. */
        PolicySpec toSpec() {
            PolicyKind policyKind = RequestFields.domainValue("kind", kind, PolicyKind::fromWire);
            PolicyServers servers;
            if (Boolean.TRUE.equals(allServers)) {
                if (serverIds != null) {
                    throw new InvalidRequest(RequestReason.INVALID_FIELD, "server_ids",
                            "give server_ids or all_servers: true, not both");
                }
                servers = PolicyServers.everyOwned();
            } else {
                if (serverIds == null) {
                    throw new InvalidRequest(RequestReason.INVALID_FIELD, "server_ids",
                            "server_ids is required (or all_servers: true)");
                }
                servers = RequestFields.domainValue("server_ids", "", ignored ->
                        PolicyServers.of(serverIds.stream().map(ServerId::new).toList()));
            }
            ZoneId zone = RequestFields.domainValue("time_zone", timeZone, raw -> {
                try {
                    return ZoneId.of(raw);
                } catch (DateTimeException unknown) {
                    throw new IllegalArgumentException("time_zone must be an IANA time zone such as Europe/Berlin or UTC");
                }
            });
            PolicySchedule schedule = RequestFields.domainValue("cron", cron, raw -> new PolicySchedule(raw, zone));
            NameTemplate template = RequestFields.domainValue("name_template", nameTemplate, NameTemplate::given);
            Duration within = keepWithin == null ? Duration.ZERO : RequestFields.domainValue("keep_within", keepWithin, raw -> {
                try {
                    return Duration.parse(raw);
                } catch (DateTimeParseException unreadable) {
                    throw new IllegalArgumentException("keep_within must be an ISO-8601 duration such as P14D or PT36H");
                }
            });
            RetentionRules retention = RequestFields.domainValue("keep_within", "", ignored -> new RetentionRules(
                    count(keepLast), within, count(keepDaily), count(keepWeekly), count(keepMonthly), count(keepYearly),
                    Boolean.TRUE.equals(includePersonMade)));
            return RequestFields.domainValue("name_template", nameTemplate,
                    ignored -> new PolicySpec(servers, policyKind, schedule, template, retention));
        }

        private static int count(@Nullable Long value) {
            return value == null ? 0 : value.intValue();
        }
    }

    /**
     * A JSON array of positive integers. Declared for {@code Collection<? extends Number>}, a type no body or
     * answer has, so it is never the deserializer of every list (see {@link StrictJsonFields}).
     */
    @Singleton
    static final class IdList implements Deserializer<Collection<? extends Number>> {
        @Override
        public List<Long> deserialize(Decoder decoder, DecoderContext context, Argument<? super Collection<? extends Number>> type)
                throws IOException {
            JsonNode node = StrictJsonFields.read(decoder, type, array -> array.isArray()
                    && StreamSupport.stream(array.values().spliterator(), false).allMatch(JsonNode::isNumber),
                    "an array of positive integers");
            String field = StrictJsonFields.jsonName(type);
            return StreamSupport.stream(node.values().spliterator(), false)
                    .map(element -> StrictJsonFields.positiveInteger(element.getNumberValue(), field)).toList();
        }
    }

    /** A JSON integer 0 or more (a retention count). Declared for {@code Comparable<Long>}, see {@link IdList}. */
    @Singleton
    static final class Count implements Deserializer<Comparable<Long>> {
        @Override
        public Long deserialize(Decoder decoder, DecoderContext context, Argument<? super Comparable<Long>> type)
                throws IOException {
            JsonNode node = StrictJsonFields.read(decoder, type, JsonNode::isNumber, "an integer 0-1000");
            String field = StrictJsonFields.jsonName(type);
            Number number = node.getNumberValue();
            if ((number instanceof Double || number instanceof Float) && !Double.isFinite(number.doubleValue())) {
                throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " must be an integer 0-1000");
            }
            BigDecimal zero = BigDecimal.ZERO;
            if (new BigDecimal(number.toString()).compareTo(zero) == 0) {
                return 0L;
            }
            try {
                return StrictJsonFields.positiveInteger(number, field);
            } catch (InvalidRequest notACount) {
                throw new InvalidRequest(RequestReason.INVALID_FIELD, field, field + " must be an integer 0-1000");
            }
        }
    }

    /** A JSON {@code true} or {@code false}, nothing else. Declared for {@code Comparable<Boolean>}, see {@link IdList}. */
    @Singleton
    static final class Flag implements Deserializer<Comparable<Boolean>> {
        @Override
        public Boolean deserialize(Decoder decoder, DecoderContext context, Argument<? super Comparable<Boolean>> type)
                throws IOException {
            return StrictJsonFields.read(decoder, type, JsonNode::isBoolean, "true or false").getBooleanValue();
        }
    }
}

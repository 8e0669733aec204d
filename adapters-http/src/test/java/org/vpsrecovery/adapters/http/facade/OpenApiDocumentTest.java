package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;

/**
 * The generated OpenAPI document says what the routes really answer (session 44): clients generate code from it, and a
 * schema that requires what an answer leaves out fails every such answer's validation.
 */
class OpenApiDocumentTest {

    private static final GeneratedOpenApi DOCUMENT = GeneratedOpenApi.read();
    private static final Set<JsonInclude.Include> LEFT_OUT_WHEN_NULL = Set.of(JsonInclude.Include.NON_NULL,
            JsonInclude.Include.NON_ABSENT, JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_DEFAULT);

    /**
     * For every schema of the document that is one of the facade's records: a member the record declares it leaves out
     * when null ({@code @JsonInclude(NON_NULL)} on the member or the record) is not required. ProblemDetails required
     * {@code field} and {@code sequence}, so every problem without them (almost all) failed validation; the snapshot and
     * backup list items' {@code message}, the chain verification's and the recoverability report's points likewise.
     */
    @Test
    void noSchemaRequiresAMemberItsRecordLeavesOutWhenNull() {
        List<String> wronglyRequired = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        for (Map.Entry<String, JsonNode> schema : DOCUMENT.schemas().entrySet()) {
            Class<?> type = facadeClass(schema.getKey());
            if (type == null || !type.isRecord()) {
                continue;
            }
            checked.add(schema.getKey());
            Set<String> required = GeneratedOpenApi.texts(schema.getValue().path("required"));
            JsonInclude onRecord = type.getAnnotation(JsonInclude.class);
            for (RecordComponent component : type.getRecordComponents()) {
                Field field = field(type, component.getName());
                JsonInclude onMember = field.getAnnotation(JsonInclude.class);
                JsonInclude include = onMember != null ? onMember : onRecord;
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                String name = property != null && !property.value().isEmpty() ? property.value() : component.getName();
                if (include != null && LEFT_OUT_WHEN_NULL.contains(include.value()) && !component.getType().isPrimitive()
                        && required.contains(name)) {
                    wronglyRequired.add(schema.getKey() + "." + name);
                }
            }
        }
        assertThat(checked).contains("ProblemDetails", "FacadeJson.SnapshotJson", "FacadeJson.BackupJson",
                "AuditJson.ChainVerificationJson", "AuditJson.RecoveryPointJson");
        assertThat(wronglyRequired).as("required in the document, left out of the answer when null").isEmpty();
        assertThat(DOCUMENT.required("ProblemDetails"))
                .containsExactly("detail", "reason_code", "request_id", "status", "title", "type");
    }

    /**
     * Every operation that takes an Idempotency-Key runs through {@link IdempotentRequests#run}, which answers 409
     * IDEMPOTENT_REQUEST_IN_PROGRESS (with Retry-After) or IDEMPOTENT_REQUEST_INTERRUPTED, and 422
     * IDEMPOTENCY_KEY_REUSED: the policies documented neither, the holds and the deletes no 422.
     */
    @Test
    void everyOperationTakingAnIdempotencyKeyDocumentsItsConflictsAndItsReuse() {
        List<String> keyed = new ArrayList<>();
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            if (!op.hasParameter("header", IdempotentRequests.HEADER)) {
                continue;
            }
            keyed.add(op.toString());
            JsonNode conflict = op.response("409");
            assertThat(conflict.path("description").asText()).as(op + " 409")
                    .contains("IDEMPOTENT_REQUEST_IN_PROGRESS", "IDEMPOTENT_REQUEST_INTERRUPTED");
            assertThat(conflict.path("headers").has("Retry-After")).as(op + " 409 Retry-After").isTrue();
            assertThat(op.response("422").path("description").asText()).as(op + " 422").contains("IDEMPOTENCY_KEY_REUSED");
        }
        assertThat(keyed).contains("POST /api/v1/policies", "PUT /api/v1/policies/{policy_id}",
                "DELETE /api/v1/policies/{policy_id}", "POST /api/v1/snapshots/{snapshot_id}/holds",
                "DELETE /api/v1/backups/{backup_id}/holds/{hold_id}", "DELETE /api/v1/snapshots/{snapshot_id}");
    }

    /**
     * Any call under /api/ may be answered 503 with Retry-After: INSTANCE_DRAINING (an instance stopping, ADR 0038),
     * IDENTITY_PROVIDER_UNAVAILABLE (a person's token while the JWKS is out of reach), PLATFORM_UNAVAILABLE (the store).
     * Many operations documented no 503, and none named the first two; an operation's own 503 names them too, and one
     * that calls VPS.org still names VPS.org's.
     */
    @Test
    void everyOperationDocumentsA503WithRetryAfterNamingWhatAnyCallMayGet() {
        List<GeneratedOpenApi.Op> operations = DOCUMENT.operations().stream()
                .filter(op -> op.path().startsWith("/api/")).toList();
        assertThat(operations).hasSizeGreaterThan(30);
        for (GeneratedOpenApi.Op op : operations) {
            JsonNode unavailable = op.response("503");
            assertThat(unavailable.path("headers").has("Retry-After")).as(op + " 503 Retry-After").isTrue();
            assertThat(unavailable.path("description").asText()).as(op + " 503")
                    .contains("INSTANCE_DRAINING", "IDENTITY_PROVIDER_UNAVAILABLE", "PLATFORM_UNAVAILABLE");
            if (!op.response("502").isMissingNode()) {
                assertThat(unavailable.path("description").asText()).as(op + " 503, calling VPS.org")
                        .contains("PROVIDER_UNAVAILABLE", "PROVIDER_RATE_LIMITED");
            }
            if (op.node().path("description").asText().contains("AUDIT_READS_BUSY")) {
                // The recoverability report is a long read that calls VPS.org: its 503 named VPS.org's reasons only.
                assertThat(unavailable.path("description").asText()).as(op + " 503, a long audit read")
                        .contains("AUDIT_READS_BUSY");
            }
        }
    }

    /**
     * Members the answers always carry, null when there is nothing to say (VPS.org's own wire, docs/vpsorg-api.md): a
     * snapshot's or backup's size while VPS.org still makes it, a manual backup's expiry. Required and not nullable, the
     * document failed every manual backup and every recovery point in progress in a validating client.
     */
    @Test
    void theMembersAnswersCarryAsNullAreNullable() {
        assertThat(DOCUMENT.schemas().get("FacadeJson.SnapshotJson").path("properties").path("size_mb")
                .path("nullable").asBoolean()).as("SnapshotJson.size_mb").isTrue();
        JsonNode backup = DOCUMENT.schemas().get("FacadeJson.BackupJson").path("properties");
        assertThat(backup.path("size_mb").path("nullable").asBoolean()).as("BackupJson.size_mb").isTrue();
        assertThat(backup.path("expires_at").path("nullable").asBoolean()).as("BackupJson.expires_at").isTrue();
        JsonNode server = DOCUMENT.schemas().get("AuditJson.ServerRecoverabilityJson").path("properties");
        for (String member : List.of("last_completed_create", "last_completed_restore", "last_restore_requested")) {
            assertThat(server.path(member).path("nullable").asBoolean()).as("ServerRecoverabilityJson." + member).isTrue();
        }
        assertThat(server.path("last_completed_restore").path("description").asText())
                .as("last_completed_restore says it may be older than the last restore").contains("last_restore_requested");
    }

    /** VPS.org's own 404, passed on as PROVIDER_NOT_FOUND (FacadeProblems.statusOf), is named where not-found is. */
    @Test
    void theNotFoundAnswersOfOperationsOnARecoveryPointNameVpsOrgsOwn404() {
        List<String> named = new ArrayList<>();
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            String notFound = op.response("404").path("description").asText();
            if (notFound.contains("SNAPSHOT_NOT_FOUND")) {
                assertThat(notFound).as(op + " 404").contains("PROVIDER_NOT_FOUND");
                named.add(op.toString());
            }
        }
        assertThat(named).contains("GET /api/v1/snapshots/{snapshot_id}", "DELETE /api/v1/backups/{backup_id}");
    }

    /**
     * The audit events' {@code operation} and {@code outcome} filters list exactly what the server parses (the domain's
     * enums, AuditReportParameters.eventFilter): 7 of 20 operations and 4 of 8 outcomes were listed.
     */
    @Test
    void theAuditEventFiltersListExactlyWhatTheServerAccepts() {
        GeneratedOpenApi.Op events = DOCUMENT.operations().stream()
                .filter(op -> op.toString().equals("GET /api/v1/audit/events")).findFirst().orElseThrow();
        assertThat(enumOf(events, "operation")).isEqualTo(names(Operation.values()));
        assertThat(enumOf(events, "outcome")).isEqualTo(names(Outcome.Kind.values()));
    }

    /** Every Retry-After the document describes is bounded by what the answers send at most. */
    @Test
    void everyRetryAfterTheDocumentDescribesHasTheMaximumTheAnswersKeepTo() {
        int described = 0;
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            for (JsonNode response : op.node().path("responses")) {
                JsonNode retryAfter = response.path("headers").path("Retry-After");
                if (!retryAfter.isMissingNode()) {
                    assertThat(retryAfter.path("schema").path("maximum").asLong()).as(op.toString())
                            .isEqualTo(FacadeProblems.MAX_RETRY_AFTER.toSeconds());
                    described++;
                }
            }
        }
        assertThat(described).isGreaterThan(30);
    }

    /**
     * Reason codes that never reach an HTTP answer: outcomes of operations the tracker and the reconciler settle, read
     * in an operation's {@code outcome} (RECOVERY_POINT_*, NOT_DONE_AT_PROVIDER, TRACKING_DEADLINE_PASSED); a code
     * nothing raises any more (BACKUP_EXPIRED, session 49); guards of state moves no request makes
     * (INVALID_TRANSITION: Snapshot/Backup complete and fail, Server.finishRestore, an operation's own moves).
     */
    private static final Set<String> NEVER_ANSWERED = Set.of("BACKUP_EXPIRED", "NOT_DONE_AT_PROVIDER",
            "RECOVERY_POINT_FAILED", "RECOVERY_POINT_VANISHED", "TRACKING_DEADLINE_PASSED", "INVALID_TRANSITION");

    /**
     * Every reason code an answer may carry is named in the document (session 51): teams read the codes they must handle
     * there (the README sends them to it), and 16 were named nowhere (the lifecycle refusals of a restore or a delete,
     * PROVIDER_LIMIT_REACHED, INVALID_TIME_RANGE, INVALID_IDEMPOTENCY_KEY, INVALID_IF_MATCH, 404/405/406/414's).
     */
    @Test
    void everyReasonCodeAnAnswerMayCarryIsNamedInTheDocument() {
        StringBuilder described = new StringBuilder();
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            described.append(op.node().path("description").asText()).append('\n');
            for (JsonNode response : op.node().path("responses")) {
                described.append(response.path("description").asText()).append('\n');
            }
        }
        Set<String> codes = new TreeSet<>(names(org.vpsrecovery.domain.common.ReasonCode.values()));
        codes.addAll(names(RequestReason.values()));
        assertThat(codes).containsAll(NEVER_ANSWERED);
        codes.removeAll(NEVER_ANSWERED);
        List<String> unnamed = codes.stream()
                .filter(code -> !java.util.regex.Pattern.compile("\\b" + code + "\\b").matcher(described).find())
                .toList();
        assertThat(unnamed).as("reason codes named in no operation's description or answer").isEmpty();
        // VPS.org's own 409 and 422 are passed on as such (FacadeProblems.refusalStatusOf).
        GeneratedOpenApi.Op create = DOCUMENT.operations().stream()
                .filter(op -> op.toString().equals("POST /api/v1/snapshots")).findFirst().orElseThrow();
        assertThat(create.response("409").path("description").asText()).contains("PROVIDER_REJECTED");
        assertThat(create.response("422").path("description").asText()).contains("PROVIDER_REJECTED");
    }

    /**
     * A 400 refusing a change while the server is being restored or not restorable carries Retry-After (the restore
     * hold's end): the 400s of the creates and restores declared none (session 51).
     */
    @Test
    void theBadRequestsThatCarryRetryAfterDeclareIt() {
        List<String> declared = new ArrayList<>();
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            JsonNode badRequest = op.response("400");
            String description = badRequest.path("description").asText();
            if (description.contains("SERVER_NOT_RESTORABLE") || description.contains("SERVER_RESTORING (with Retry-After")) {
                assertThat(badRequest.path("headers").has("Retry-After")).as(op + " 400 Retry-After").isTrue();
                declared.add(op.toString());
            }
        }
        assertThat(declared).contains("POST /api/v1/snapshots", "POST /api/v1/snapshots/{snapshot_id}/restore",
                "POST /api/v1/servers/{server_id}/restore", "POST /api/v1/backups",
                "DELETE /api/v1/snapshots/{snapshot_id}");
    }

    /**
     * The list of a team's changes (ADR 0043, amended in session 52) is in the document: its state filter lists exactly
     * the states a change can be in, its page parameters are the other cursor lists', and its refusals are named.
     */
    @Test
    void theChangesListDocumentsItsStatesItsPageAndItsRefusals() {
        GeneratedOpenApi.Op list = DOCUMENT.operations().stream()
                .filter(op -> op.toString().equals("GET /api/v1/changes")).findFirst().orElseThrow();
        assertThat(enumOf(list, "state")).isEqualTo(org.vpsrecovery.domain.change.PendingChange.STATES.stream()
                .map(org.vpsrecovery.domain.operation.OperationState::wireName)
                .collect(Collectors.toCollection(TreeSet::new)));
        assertThat(list.hasParameter("query", "limit")).isTrue();
        assertThat(list.hasParameter("query", "after")).isTrue();
        assertThat(list.node().path("description").asText()).contains("UNKNOWN_QUERY_PARAMETER", "INVALID_QUERY_PARAMETER",
                "PAGE_SIZE_OUT_OF_RANGE", "INVALID_CURSOR", "OPERATION_NOT_FOUND");
        assertThat(list.response("404").path("description").asText()).contains("OPERATION_NOT_FOUND");
        assertThat(DOCUMENT.schemas()).containsKey("PendingChangeJson.PendingChangePageJson");
        assertThat(DOCUMENT.schemas().get("PendingChangeJson.PendingChangePageJson").path("properties").path("next")
                .path("nullable").asBoolean()).as("next is null on the last page").isTrue();
    }

    /**
     * The list of operations pages as the other cursor lists do (ADR 0024, amended in session 52): its page parameters
     * are theirs, its refusals are named, and its page's next is nullable.
     */
    @Test
    void theOperationsListDocumentsItsPageAndItsRefusals() {
        GeneratedOpenApi.Op list = DOCUMENT.operations().stream()
                .filter(op -> op.toString().equals("GET /api/v1/operations")).findFirst().orElseThrow();
        assertThat(list.hasParameter("query", "limit")).isTrue();
        assertThat(list.hasParameter("query", "after")).isTrue();
        assertThat(list.node().path("description").asText()).contains("UNKNOWN_QUERY_PARAMETER", "INVALID_QUERY_PARAMETER", "PAGE_SIZE_OUT_OF_RANGE",
                "INVALID_CURSOR", "OPERATION_NOT_FOUND");
        assertThat(list.response("404").path("description").asText()).contains("OPERATION_NOT_FOUND");
        assertThat(DOCUMENT.schemas().get("OperationJson.OperationPageJson").path("properties").path("next")
                .path("nullable").asBoolean()).as("next is null on the last page").isTrue();
    }

    /**
     * Every operation lists its success first, with its content type (a 204 has none): generators send as Accept the
     * first JSON type of the responses in order, and nine routes without an explicit 2xx listed their errors first, so
     * generated clients sent {@code Accept: application/problem+json} and were answered 406 (session 52).
     */
    @Test
    void everyOperationListsItsSuccessFirstWithItsContentType() {
        List<String> wrong = new ArrayList<>();
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            List<String> codes = new ArrayList<>();
            op.node().path("responses").fieldNames().forEachRemaining(codes::add);
            if (codes.isEmpty() || !codes.get(0).startsWith("2")) {
                wrong.add(op + " lists " + codes.stream().findFirst().orElse("nothing") + " first");
            }
            for (String code : codes) {
                if (!code.startsWith("2")) {
                    continue;
                }
                Set<String> types = new TreeSet<>();
                op.response(code).path("content").fieldNames().forEachRemaining(types::add);
                if (code.equals("204") ? !types.isEmpty() : !types.contains("application/json")) {
                    wrong.add(op + " " + code + " declares " + types);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /**
     * Each alternative of a {@code oneOf} requires a member the others never have, so an answer matches exactly one:
     * ReleasedRestoreHoldJson required nothing, so every operation answered by the release matched both and the
     * generated Python client raised after a successful release (session 52).
     */
    @Test
    void everyOneOfAlternativeRequiresAMemberTheOthersLack() {
        List<String> ambiguous = new ArrayList<>();
        int checked = 0;
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            for (JsonNode response : op.node().path("responses")) {
                for (JsonNode content : response.path("content")) {
                    List<JsonNode> alternatives = new ArrayList<>();
                    content.path("schema").path("oneOf").forEach(alternatives::add);
                    for (JsonNode a : alternatives) {
                        for (JsonNode b : alternatives) {
                            if (a == b) {
                                continue;
                            }
                            checked++;
                            Set<String> aMembers = new TreeSet<>();
                            DOCUMENT.resolve(a).path("properties").fieldNames().forEachRemaining(aMembers::add);
                            Set<String> bRequired = GeneratedOpenApi.texts(DOCUMENT.resolve(b).path("required"));
                            if (aMembers.containsAll(bRequired)) {
                                ambiguous.add(op + ": a " + a.path("$ref").asText() + " also matches " + b.path("$ref").asText());
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(4);
        assertThat(ambiguous).isEmpty();
        assertThat(DOCUMENT.required("ReleasedRestoreHoldJson"))
                .containsExactly("released_at", "server_id", "since", "state", "until");
    }

    /**
     * An array's items are a type: the snapshot and backup lists' {@code results} were {@code {type: object}} (a
     * generic {@code PageJson<T>}), so generated clients gave untyped maps; and an enum is not inline in an array's
     * items: the webhook's {@code event_types} made the Java native client fail to compile (session 52).
     */
    @Test
    void arraysHoldTypedItemsAndEnumsInArraysAreNamedSchemas() {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, JsonNode> schema : DOCUMENT.schemas().entrySet()) {
            schema.getValue().path("properties").properties().forEach(member -> {
                JsonNode items = member.getValue().path("items");
                if (items.isMissingNode()) {
                    return;
                }
                if (items.path("type").asText().equals("object") && !items.has("properties")
                        && !items.has("additionalProperties")) {
                    wrong.add(schema.getKey() + "." + member.getKey() + ": untyped items");
                }
                if (items.has("enum")) {
                    wrong.add(schema.getKey() + "." + member.getKey() + ": inline enum");
                }
            });
        }
        assertThat(wrong).isEmpty();
        // Answers type them as requests do (session 53: the answers' were plain strings).
        List<String> typed = new ArrayList<>();
        DOCUMENT.schemas().forEach((name, schema) -> {
            JsonNode eventTypes = schema.path("properties").path("event_types");
            if (!eventTypes.isMissingNode()) {
                assertThat(eventTypes.path("items").path("$ref").asText()).as(name)
                        .isEqualTo("#/components/schemas/EventType");
                typed.add(name);
            }
        });
        assertThat(typed).contains("FacadeRequests.CreateWebhookRequest", "WebhookJson",
                "WebhookJson.CreatedWebhookJson", "WebhookJson.WebhookWithBacklogJson");
        assertThat(GeneratedOpenApi.texts(DOCUMENT.schemas().get("EventType").path("enum")))
                .isEqualTo(Arrays.stream(org.vpsrecovery.domain.webhook.WebhookEventType.values())
                        .map(org.vpsrecovery.domain.webhook.WebhookEventType::wireName)
                        .collect(Collectors.toCollection(TreeSet::new)));
        for (String list : List.of("/api/v1/snapshots", "/api/v1/backups")) {
            GeneratedOpenApi.Op op = DOCUMENT.operations().stream()
                    .filter(o -> o.toString().equals("GET " + list)).findFirst().orElseThrow();
            JsonNode page = DOCUMENT.resolve(op.response("200").path("content").path("application/json").path("schema"));
            assertThat(GeneratedOpenApi.texts(page.path("required"))).as(list).containsExactly("count", "results");
            assertThat(page.path("properties").path("results").path("items").path("$ref").asText()).as(list)
                    .startsWith("#/components/schemas/FacadeJson.");
        }
    }

    /**
     * The headers the README promises are declared where they are sent (session 52: none was): X-Request-Id on every
     * answer; Idempotent-Replayed on a keyed change's successes; X-Operation-Id on a keyed change's 201/202/204 (a
     * policy's only when it waits for approval) and on a restore's 200 (session 53: undeclared), on VPS.org's 504 OUTCOME_UNKNOWN and on 409
     * IDEMPOTENT_REQUEST_INTERRUPTED.
     */
    @Test
    void theHeadersTheReadmePromisesAreDeclared() {
        List<String> missing = new ArrayList<>();
        for (GeneratedOpenApi.Op op : DOCUMENT.operations()) {
            boolean keyed = op.hasParameter("header", IdempotentRequests.HEADER);
            op.node().path("responses").properties().forEach(entry -> {
                String code = entry.getKey();
                JsonNode headers = entry.getValue().path("headers");
                String description = entry.getValue().path("description").asText();
                Set<String> wanted = new TreeSet<>(Set.of(RequestAttributes.REQUEST_ID_HEADER));
                if (keyed && code.startsWith("2")) {
                    wanted.add(IdempotentRequests.REPLAYED_HEADER);
                    if (Set.of("201", "202", "204").contains(code) && (!op.path().startsWith("/api/v1/policies") || code.equals("202"))) {
                        wanted.add(RequestAttributes.OPERATION_ID_HEADER);
                    }
                    // A restore's 200 is its start (or a dry run's plan): the started one names its operation (session 53).
                    if (code.equals("200") && op.path().endsWith("/restore")) {
                        wanted.add(RequestAttributes.OPERATION_ID_HEADER);
                    }
                }
                if ((code.equals("504") && description.contains("(OUTCOME_UNKNOWN)"))
                        || (code.equals("409") && description.contains("IDEMPOTENT_REQUEST_INTERRUPTED"))) {
                    wanted.add(RequestAttributes.OPERATION_ID_HEADER);
                }
                for (String header : wanted) {
                    if (!headers.has(header)) {
                        missing.add(op + " " + code + " " + header);
                    }
                }
            });
        }
        assertThat(missing).isEmpty();
    }

    /**
     * Operation ids name what they do (generated clients' method names): {@code list}, {@code summary} and
     * {@code decide} said nothing; and the document says answer enums may gain values (session 52).
     */
    @Test
    void operationIdsAreUniqueAndSpecificAndEnumsAreSaidToGrow() {
        List<String> ids = DOCUMENT.operations().stream().map(op -> op.node().path("operationId").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates().doesNotContain("", "list", "summary", "decide")
                .contains("listDrift", "auditSummary", "decideApproval");
        assertThat(DOCUMENT.info().path("description").asText()).contains(FacadeApiDefinition.ENUMS_MAY_GROW);
    }

    private static Set<String> enumOf(GeneratedOpenApi.Op op, String parameter) {
        return GeneratedOpenApi.texts(DOCUMENT.resolve(op.parameter("query", parameter).path("schema")).path("enum"));
    }

    private static Set<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** {@code FacadeJson.SnapshotJson} is {@code FacadeJson$SnapshotJson} in the facade's package; null if none. */
    private static Class<?> facadeClass(String schemaName) {
        try {
            return Class.forName(ProblemDetails.class.getPackageName() + "." + schemaName.replace('.', '$'));
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }
}

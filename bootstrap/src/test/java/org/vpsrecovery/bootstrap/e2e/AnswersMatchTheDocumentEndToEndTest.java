package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The answers of the whole service, on real traffic, are what the document it serves says (ADR 0006, session 52):
 * each read route's real JSON is validated against the schema the served {@code /swagger/vps-recovery-1.yml} gives its
 * status and content type (required members, nullable, types, enums) by an OpenAPI 3.0 validator. The audit events
 * page sent null in seven members its schema required non-null, so generated clients failed on every page; this finds
 * any such member, not only those.
 */
class AnswersMatchTheDocumentEndToEndTest {

    private static final String DOCUMENT_IRI = "https://vps-recovery.test/vps-recovery-1.json";

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            PlatformOnSimulator.NO_BACKGROUND_TRACKING);

    @Test
    void everyMainReadAnswersWhatTheServedDocumentSays() throws Exception {
        RunningPlatform platform = SETUP.platform();
        Answer served = platform.send("GET", "/swagger/vps-recovery-1.yml", null, null);
        assertThat(served.status()).isEqualTo(200);
        JsonNode document = nullableReferencesAsAnyOf(new ObjectMapper(new YAMLFactory()).readTree(served.raw().body()));
        JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, builder -> builder
                .metaSchema(OpenApi30.getInstance())
                .defaultMetaSchemaIri(OpenApi30.getInstance().getIri())
                .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_IRI, document.toString()))));

        // Real traffic: changes answered, refused and not found, so the history holds events with and without a
        // server, a resource, a reason, a cause and VPS.org's status.
        String create = "{\"server_id\": 12345, \"name\": \"documented\"}";
        Answer snapshot = platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN, create,
                Map.of("Idempotency-Key", "documented-create"));
        assertThat(snapshot.status()).as(snapshot.raw().body()).isEqualTo(201);
        Answer replayed = platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN, create,
                Map.of("Idempotency-Key", "documented-create"));
        assertThat(replayed.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        Answer backup = platform.send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345}");
        assertThat(backup.status()).as(backup.raw().body()).isEqualTo(201);
        platform.send("DELETE", "/api/v1/snapshots/999999/", DEMO_TOKEN, null);
        platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN, "{\"server_id\": 99999, \"name\": \"nowhere\"}");
        Object snapshotId = snapshot.get("id");
        Object backupId = backup.get("id");
        Answer hold = platform.send("POST", "/api/v1/snapshots/" + snapshotId + "/holds/", DEMO_TOKEN,
                "{\"reason\": \"documented\"}");
        assertThat(hold.status()).as(hold.raw().body()).isEqualTo(201);
        String operationId = snapshot.raw().headers().firstValue("X-Operation-Id").orElseThrow();

        List<String> teamReads = List.of("/api/v1/snapshots/", "/api/v1/snapshots/" + snapshotId + "/",
                "/api/v1/backups/", "/api/v1/backups/" + backupId + "/", "/api/v1/servers/12345/",
                "/api/v1/operations/", "/api/v1/operations/" + operationId + "/", "/api/v1/policies/",
                "/api/v1/webhooks/", "/api/v1/snapshots/" + snapshotId + "/holds/",
                "/api/v1/backups/" + backupId + "/holds/", "/api/v1/snapshots/999999/", "/api/v1/audit/events/?limit=50");
        List<String> auditorReads = List.of("/api/v1/audit/events/?limit=100", "/api/v1/audit/summary/",
                "/api/v1/audit/verify/", "/api/v1/audit/recoverability/", "/api/v1/audit/drift/");
        List<String> wrong = new ArrayList<>();
        int validated = 0;
        Map<String, Answer> changes = Map.of("/api/v1/snapshots/", snapshot, "/api/v1/snapshots/ (replayed)", replayed,
                "/api/v1/backups/", backup, "/api/v1/snapshots/" + snapshotId + "/holds/", hold);
        for (Map.Entry<String, Answer> change : changes.entrySet()) {
            validated += validate(schemas, document, "post", change.getValue(), change.getKey().split(" ")[0], wrong);
        }
        for (String path : teamReads) {
            validated += validate(schemas, document, "get", platform.send("GET", path, DEMO_TOKEN, null), path, wrong);
        }
        for (String path : auditorReads) {
            validated += validate(schemas, document, "get", platform.send("GET", path, AUDITOR_TOKEN, null), path, wrong);
        }
        assertThat(wrong).as("answers the served document does not describe").isEmpty();
        assertThat(validated).isEqualTo(changes.size() + teamReads.size() + auditorReads.size());
    }

    /**
     * 1 when the answer was validated; what is wrong with it, if anything, added to {@code wrong}: its status, its
     * content type, its body against their schema, and the README's headers it carries are declared for it.
     */
    private static int validate(JsonSchemaFactory schemas, JsonNode document, String method, Answer answer, String path,
                                List<String> wrong) throws Exception {
        String at = method.toUpperCase(Locale.ROOT) + " " + path + " " + answer.status();
        JsonNode operation = operationOf(document, method, path);
        if (operation == null) {
            wrong.add(at + ": no such operation in the document");
            return 0;
        }
        JsonNode response = operation.path("responses").path(Integer.toString(answer.status()));
        if (response.isMissingNode()) {
            wrong.add(at + ": status not declared");
            return 0;
        }
        for (String header : List.of("X-Request-Id", "X-Operation-Id", "Idempotent-Replayed", "Retry-After", "ETag")) {
            if (answer.raw().headers().firstValue(header).isPresent() && !response.path("headers").has(header)) {
                wrong.add(at + ": header " + header + " sent, not declared");
            }
        }
        String type = answer.contentType().split(";")[0].strip().toLowerCase(Locale.ROOT);
        String ref = response.path("content").path(type).path("schema").path("$ref").asText("");
        if (ref.isEmpty()) {
            wrong.add(at + ": no schema by reference for " + type + " (declared " + response.path("content") + ")");
            return 0;
        }
        JsonSchema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + ref),
                SchemaValidatorsConfig.builder().build());
        JsonNode body = new ObjectMapper().readTree(answer.raw().body());
        Set<ValidationMessage> messages = schema.validate(body);
        messages.forEach(message -> wrong.add(at + ": " + message.getMessage()));
        return 1;
    }

    /**
     * micronaut-openapi writes a nullable member of a record type as {@code {nullable: true, allOf: [$ref]}}, which
     * openapi-generator reads as "the referenced object, or null". OpenAPI 3.0.3 lets {@code nullable} act on a
     * {@code type} in the same object only, so a strict validator refuses null there: it is given that reading
     * explicitly, {@code anyOf: [$ref, null]}.
     */
    private static JsonNode nullableReferencesAsAnyOf(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("nullable").asBoolean() && object.path("allOf").size() == 1 && !object.has("type")) {
                ArrayNode anyOf = object.arrayNode().add(object.path("allOf").get(0))
                        .add(object.objectNode().set("enum", object.arrayNode().addNull()));
                object.remove("allOf");
                object.remove("nullable");
                object.set("anyOf", anyOf);
            }
            object.forEach(AnswersMatchTheDocumentEndToEndTest::nullableReferencesAsAnyOf);
        } else if (node instanceof ArrayNode array) {
            array.forEach(AnswersMatchTheDocumentEndToEndTest::nullableReferencesAsAnyOf);
        }
        return node;
    }

    /** The document's operation whose path template matches the path, query and trailing slash aside. */
    private static JsonNode operationOf(JsonNode document, String method, String path) {
        String bare = path.split("\\?")[0].replaceAll("/$", "");
        for (Map.Entry<String, JsonNode> template : document.path("paths").properties()) {
            String pattern = template.getKey().replaceAll("\\{[^}]+}", "[^/]+");
            if (bare.matches(pattern) && template.getValue().has(method)) {
                return template.getValue().path(method);
            }
        }
        return null;
    }
}

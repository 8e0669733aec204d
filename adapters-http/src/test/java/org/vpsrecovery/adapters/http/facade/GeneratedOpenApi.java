package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenAPI document as the build generated it (micronaut-openapi at compile time, {@code META-INF/swagger/}), the
 * one served at {@code /swagger/vps-recovery-1.yml} and linted by CI: what clients generate their code from.
 */
final class GeneratedOpenApi {

    static final String RESOURCE = "META-INF/swagger/vps-recovery-1.yml";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final JsonNode document;

    private GeneratedOpenApi(JsonNode document) {
        this.document = document;
    }

    static GeneratedOpenApi read() {
        try (InputStream in = GeneratedOpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: did the build generate it?");
            }
            return new GeneratedOpenApi(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An operation: its method and path, and its node. */
    record Op(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
        }

        JsonNode response(String code) {
            return node.path("responses").path(code);
        }

        boolean hasParameter(String in, String name) {
            for (JsonNode parameter : node.path("parameters")) {
                if (in.equals(parameter.path("in").asText()) && name.equals(parameter.path("name").asText())) {
                    return true;
                }
            }
            return false;
        }

        JsonNode parameter(String in, String name) {
            for (JsonNode parameter : node.path("parameters")) {
                if (in.equals(parameter.path("in").asText()) && name.equals(parameter.path("name").asText())) {
                    return parameter;
                }
            }
            throw new AssertionError(this + " has no " + in + " parameter " + name);
        }
    }

    List<Op> operations() {
        List<Op> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (METHODS.contains(operation.getKey())) {
                    operations.add(new Op(operation.getKey(), path.getKey(), operation.getValue()));
                }
            }
        }
        return operations;
    }

    JsonNode info() {
        return document.path("info");
    }

    /** Every schema under components, by name. */
    Map<String, JsonNode> schemas() {
        Map<String, JsonNode> schemas = new java.util.LinkedHashMap<>();
        document.path("components").path("schemas").properties().forEach(e -> schemas.put(e.getKey(), e.getValue()));
        return schemas;
    }

    /** A schema, following a {@code $ref} to components. */
    JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (ref.isEmpty()) {
            return schema;
        }
        String prefix = "#/components/schemas/";
        if (!ref.startsWith(prefix)) {
            throw new AssertionError("unexpected $ref " + ref);
        }
        return document.path("components").path("schemas").path(ref.substring(prefix.length()));
    }

    Set<String> required(String schemaName) {
        Set<String> required = new TreeSet<>();
        schemas().getOrDefault(schemaName, com.fasterxml.jackson.databind.node.MissingNode.getInstance())
                .path("required").forEach(name -> required.add(name.asText()));
        return required;
    }

    static Set<String> texts(JsonNode array) {
        Set<String> texts = new TreeSet<>();
        array.forEach(value -> texts.add(value.asText()));
        return texts;
    }
}

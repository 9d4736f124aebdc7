package dk.samtale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;

/**
 * Every example in openapi/openapi.yaml and openapi/asyncapi.yaml validates against its own schema, with a
 * real JSON Schema validator: a client author copies examples, and an example that breaks its schema
 * (a Conversation without channelPolicy, a Message without smsAllowed) teaches a wrong client.
 *
 * <p>
 * openapi.yaml: media-type examples ({@code example} and {@code examples.*.value}) against the media
 * type's schema, parameter and header examples against theirs, schema examples against the schema that
 * holds them (OpenAPI 3.0 dialect: {@code nullable}). asyncapi.yaml: each message's
 * {@code examples[].payload} against its payload schema (JSON Schema draft 7, AsyncAPI's schema format).
 */
class ContractExamplesTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> SCHEMA_KEYWORDS = Set.of("type", "properties", "$ref", "allOf", "oneOf",
            "anyOf", "items", "enum", "format");

    record Example(String where, JsonNode value, JsonNode schema) {
    }

    @TestFactory
    Stream<DynamicTest> everyOpenApiExampleValidatesAgainstItsSchema() throws IOException {
        JsonNode doc = YAML.readTree(Files.readString(Path.of("openapi/openapi.yaml")));
        List<Example> examples = new ArrayList<>();
        openApiExamples(doc, "", false, examples);
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
                b -> b.metaSchema(OpenApi30.getInstance()).defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
        return validateEach(examples, factory, doc, "example");
    }

    @TestFactory
    Stream<DynamicTest> everyAsyncApiExampleValidatesAgainstItsPayloadSchema() throws IOException {
        JsonNode doc = YAML.readTree(Files.readString(Path.of("openapi/asyncapi.yaml")));
        List<Example> examples = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("components").path("messages").fields(); it
                .hasNext();) {
            Map.Entry<String, JsonNode> message = it.next();
            JsonNode list = message.getValue().path("examples");
            for (int i = 0; i < list.size(); i++) {
                examples.add(new Example("messages/" + message.getKey() + "/examples/" + i + " ("
                        + list.get(i).path("name").asText() + ")", list.get(i).path("payload"),
                        message.getValue().path("payload")));
            }
        }
        schemaExamples(doc.path("components").path("schemas"), "schemas", examples);
        assertFalse(examples.isEmpty());
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        return validateEach(examples, factory, doc, "examples");
    }

    /** One test per example, against its schema with the document's components beside it (for the refs). */
    private static Stream<DynamicTest> validateEach(List<Example> examples, JsonSchemaFactory factory, JsonNode doc,
            String exampleKeyword) {
        return examples.stream().map(e -> DynamicTest.dynamicTest(e.where(), () -> {
            ObjectNode root = YAML.createObjectNode();
            root.setAll((ObjectNode) e.schema().deepCopy());
            root.remove(exampleKeyword);
            root.set("components", doc.path("components"));
            assertValid(factory.getSchema(root), e);
        }));
    }

    /** The walk finds what it should: a known count of each kind, so a broken walk cannot pass silently. */
    @Test
    void theWalkFindsMediaTypeParameterAndSchemaExamples() throws IOException {
        JsonNode doc = YAML.readTree(Files.readString(Path.of("openapi/openapi.yaml")));
        List<Example> examples = new ArrayList<>();
        openApiExamples(doc, "", false, examples);
        assertTrue(examples.stream().anyMatch(e -> e.where().contains("/content/application/json/examples/")));
        assertTrue(examples.stream().anyMatch(e -> e.where().startsWith("/components/schemas/Message/")));
        assertTrue(examples.stream().anyMatch(e -> e.where().startsWith("/components/parameters/")));
        assertTrue(examples.stream().anyMatch(e -> e.where().startsWith("/components/headers/")));
        assertTrue(examples.size() > 60, () -> "only " + examples.size() + " examples found");
    }

    private static void assertValid(JsonSchema schema, Example e) {
        Set<ValidationMessage> problems = schema.validate(e.value());
        assertTrue(problems.isEmpty(), () -> e.where() + " breaks its schema: " + problems + "\nexample: " + e.value());
    }

    /**
     * Collects examples: an object with a {@code schema} (media type, parameter, header) holds examples of
     * that schema; inside schemas ({@code inSchema}), an object with {@code example} is itself the schema.
     */
    private static void openApiExamples(JsonNode node, String where, boolean inSchema, List<Example> out) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                openApiExamples(node.get(i), where + "/" + i, inSchema, out);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        if (node.has("schema") && node.get("schema").isObject()) {
            if (node.has("example")) {
                out.add(new Example(where + "/example", node.get("example"), node.get("schema")));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.path("examples").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> named = it.next();
                out.add(new Example(where + "/examples/" + named.getKey(), named.getValue().path("value"),
                        node.get("schema")));
            }
        } else if (inSchema && node.has("example") && looksLikeSchema(node)) {
            out.add(new Example(where + "/example", node.get("example"), node));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (key.equals("example") || key.equals("examples")) {
                continue; // example values are data, not more of the document
            }
            boolean schemaBelow = inSchema || key.equals("schema") || key.equals("schemas");
            openApiExamples(field.getValue(), where + "/" + key, schemaBelow, out);
        }
    }

    private static boolean looksLikeSchema(JsonNode node) {
        for (String keyword : SCHEMA_KEYWORDS) {
            if (node.has(keyword)) {
                return true;
            }
        }
        return false;
    }

    /** JSON Schema {@code examples} (an array) on asyncapi's schemas and their properties. */
    private static void schemaExamples(JsonNode node, String where, List<Example> out) {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("examples") && field.getValue().isArray() && looksLikeSchema(node)) {
                for (int i = 0; i < field.getValue().size(); i++) {
                    out.add(new Example(where + "/examples/" + i, field.getValue().get(i), node));
                }
            } else {
                schemaExamples(field.getValue(), where + "/" + field.getKey(), out);
            }
        }
    }
}

package dk.samtale.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The frame schemas of openapi/asyncapi.yaml, to hold every real frame to the contract. */
public final class FrameSchemas {

    /** Server frame type → its schema name in asyncapi.yaml. */
    static final Map<String, String> SERVER = Map.ofEntries(Map.entry("hello", "HelloFrame"),
            Map.entry("ack", "AckFrame"), Map.entry("message", "MessageFrame"),
            Map.entry("read", "ReadReceiptFrame"), Map.entry("delivered", "DeliveredReceiptFrame"),
            Map.entry("typing", "TypingNoticeFrame"), Map.entry("conversation", "ConversationFrame"),
            Map.entry("synced", "SyncedFrame"), Map.entry("pong", "PongFrame"), Map.entry("error", "ErrorFrame"),
            Map.entry("journal-state", "JournalStateFrame"), Map.entry("sms-state", "SmsStateFrame"),
            // inbox: internal notes, staff sockets only
            Map.entry("note", "NoteFrame"),
            // correcting what was sent (issue 20)
            Map.entry("message-retracted", "MessageRetractedFrame"),
            Map.entry("message-corrected", "MessageCorrectedFrame"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode SCHEMAS = load();
    private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();

    private FrameSchemas() {
    }

    /** Problems of a server frame against its schema; empty when it conforms. */
    public static Set<ValidationMessage> check(JsonNode frame) {
        String type = frame.path("type").asText();
        String schema = SERVER.get(type);
        if (schema == null) {
            return Set.of(ValidationMessage.builder().message("undocumented frame type " + type).build());
        }
        return schema(schema).validate(frame);
    }

    public static JsonSchema schema(String name) {
        return COMPILED.computeIfAbsent(name, n -> {
            ObjectNode root = JSON.createObjectNode();
            root.set("definitions", SCHEMAS);
            root.put("$ref", "#/definitions/" + n);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root);
        });
    }

    private static JsonNode load() {
        try {
            JsonNode doc = new YAMLMapper().readTree(Files.readString(Path.of("openapi/asyncapi.yaml")));
            String schemas = JSON.writeValueAsString(doc.path("components").path("schemas"))
                    .replace("#/components/schemas/", "#/definitions/");
            return JSON.readTree(schemas);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read openapi/asyncapi.yaml", e);
        }
    }
}

package dk.samtale.journal;

import static dk.samtale.journal.JournalFixture.admin;
import static dk.samtale.journal.JournalFixture.await;
import static dk.samtale.journal.JournalFixture.citizen;
import static dk.samtale.journal.JournalFixture.reader;
import static dk.samtale.journal.JournalFixture.staff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dk.samtale.testing.Api;

/**
 * Lifecycle entries in the chain — opened, case reference set and changed, closed, reopened — each with its
 * own documentType, in order, verified; and the conversation document journaled once on close, with the
 * PDF attached, even when the conversation is closed twice, concurrently, or closed again after a reopen
 * without new messages.
 */
@QuarkusTest
class JournalLifecycleTest {

    private static String send(String token, String conversationId, String body) {
        return Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversationId + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

    /** The payloads of the conversation's entries, in position order. */
    private static List<JsonPath> entries(String conversationId) {
        String page = Api.as(reader()).get("/api/v1/journal/entries?after=0&limit=1000").then().statusCode(200)
                .extract().asString();
        List<JsonPath> docs = new ArrayList<>();
        List<Map<String, Object>> items = JsonPath.from(page).getList("items");
        for (Map<String, Object> item : items) {
            if (conversationId.equals(item.get("conversationId"))) {
                docs.add(JsonPath.from(new String(Base64.getDecoder().decode((String) item.get("payload")),
                        StandardCharsets.UTF_8)));
            }
        }
        return docs;
    }

    private static List<String> types(List<JsonPath> docs) {
        return docs.stream().map(d -> d.getString("documentType")).toList();
    }

    @Test
    void lifecycleEntriesAndTheDocumentAreInTheChainInOrderAndVerify() throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put("documentIncludesCpr", true);
        Api.as(admin()).body(settings).put("/api/v1/admin/journal/settings").then().statusCode(200);
        String id = World_open();
        String m1 = send(citizen(), id, "Hej, må jeg flytte mødet? Æblegrød 😀");
        Api.as(staff()).body(Map.of("caseNumber", "2026-1", "kleClass", "15.17.06"))
                .put("/api/v1/conversations/" + id + "/case").then().statusCode(200);
        Api.as(staff()).body(Map.of("caseNumber", "2026-2", "kleClass", "15.17.06", "actionFacet", "G01"))
                .put("/api/v1/conversations/" + id + "/case").then().statusCode(200);
        send(staff(), id, "Ja, det må du gerne.");
        // closed twice at once (two replicas would do the same: the row lock orders them)
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(
                () -> Api.as(staff()).post("/api/v1/conversations/" + id + "/close").then().extract().statusCode());
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(
                () -> Api.as(staff()).post("/api/v1/conversations/" + id + "/close").then().extract().statusCode());
        assertEquals(200, a.get());
        assertEquals(200, b.get());
        Api.as(staff()).post("/api/v1/conversations/" + id + "/close").then().statusCode(200);
        Api.as(staff()).post("/api/v1/conversations/" + id + "/reopen").then().statusCode(200);
        Api.as(staff()).post("/api/v1/conversations/" + id + "/close").then().statusCode(200);

        List<String> expected = List.of("conversation-opened", "besked", "case-reference-set",
                "case-reference-changed", "besked", "conversation-closed", "conversation-document",
                "conversation-reopened", "conversation-closed");
        await(() -> types(entries(id)).size() >= expected.size(), "all lifecycle entries");
        List<JsonPath> docs = entries(id);
        assertEquals(expected, types(docs));

        JsonPath changed = docs.get(3);
        assertTrue(changed.getString("body").contains("2026-1 → 2026-2"), changed.getString("body"));
        assertTrue(changed.getString("body").contains("handlingsfacet – → G01"), changed.getString("body"));
        assertEquals("Jane Juul", changed.getString("author.name"));
        assertEquals("staff", changed.getString("author.kind"));
        assertEquals("2026-2", changed.getString("caseNumber"));

        // the document: one PDF attached, its hash in the entry, covering both messages' entries
        JsonPath document = docs.get(6);
        assertEquals(1, document.getList("attachments").size());
        byte[] pdf = Base64.getDecoder().decode(document.getString("attachments[0].content"));
        assertEquals(pdf.length, document.getLong("attachments[0].size"));
        assertEquals(Jws.hex(Jws.sha256(pdf)), document.getString("attachments[0].sha256"));
        assertEquals("application/pdf", document.getString("attachments[0].mediaType"));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("Æblegrød \u25A1"), text);
            assertTrue(text.contains("Ja, det må du gerne."));
            assertTrue(text.contains("CPR-nummer: " + JournalFixture.CPR_J), "the tenant enabled CPR");
            assertTrue(text.contains(docs.get(1).getLong("position") + " · " + entryHash(m1)), text);
        }

        // the whole chain verifies, offline too
        Api.as(reader()).get("/api/v1/journal/verification").then().statusCode(200)
                .body("firstBroken", org.hamcrest.Matchers.nullValue());
        String key = Api.as(reader()).get("/api/v1/journal/signing-key").then().extract().path("publicKeyPem");
        Path page = Files.createTempFile("lifecycle", ".json");
        Files.writeString(page, Api.as(reader()).get("/api/v1/journal/entries?after=0&limit=1000").then()
                .statusCode(200).extract().asString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, VerifyJournal.verify(key, List.of(page), new PrintStream(out, true, StandardCharsets.UTF_8)),
                out.toString(StandardCharsets.UTF_8));
        settings.put("documentIncludesCpr", false);
        Api.as(admin()).body(settings).put("/api/v1/admin/journal/settings").then().statusCode(200);
    }

    private static String entryHash(String messageId) {
        return (String) JournalFixture.entryOf(messageId, 0).get("hash");
    }

    private static String World_open() {
        return dk.samtale.testing.World.openConversation(citizen(), JournalFixture.UNIT_J);
    }
}

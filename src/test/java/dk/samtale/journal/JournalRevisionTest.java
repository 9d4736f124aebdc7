package dk.samtale.journal;

import static dk.samtale.journal.JournalFixture.await;
import static dk.samtale.journal.JournalFixture.citizen;
import static dk.samtale.journal.JournalFixture.reader;
import static dk.samtale.journal.JournalFixture.staff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/**
 * A retraction and a correction are entries of their own in the tenant's chain, after the message's entry,
 * which stays as it was: each points to the original's position and entry id; the correction's entry
 * carries the corrected text and the reason; repeating a request makes no second entry; the chain verifies.
 */
@QuarkusTest
class JournalRevisionTest {

    private static String send(String token, String conversationId, String body) {
        return Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversationId + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

    /** The conversation's entries in position order: the feed item and its payload. */
    private static List<Map.Entry<Map<String, Object>, JsonPath>> entries(String conversationId) {
        List<Map<String, Object>> items = Api.as(reader()).get("/api/v1/journal/entries?after=0&limit=1000").then()
                .statusCode(200).extract().jsonPath().getList("items");
        List<Map.Entry<Map<String, Object>, JsonPath>> found = new ArrayList<>();
        for (Map<String, Object> item : items) {
            if (conversationId.equals(item.get("conversationId"))) {
                found.add(Map.entry(item, JsonPath.from(new String(
                        Base64.getDecoder().decode((String) item.get("payload")), StandardCharsets.UTF_8))));
            }
        }
        return found;
    }

    private static List<String> types(List<Map.Entry<Map<String, Object>, JsonPath>> entries) {
        return entries.stream().map(e -> e.getValue().getString("documentType")).toList();
    }

    @Test
    void retractionAndCorrectionEntriesPointToTheOriginalWhichStays() throws Exception {
        String id = World.openConversation(citizen(), JournalFixture.UNIT_J);
        String retracted = send(citizen(), id, "Forkert vedhæftet tekst");
        String corrected = send(staff(), id, "Mødet er kl. 9.");
        String base = "/api/v1/conversations/" + id + "/messages/";
        // wait for both message entries first, so the positions are known before the revisions
        await(() -> types(entries(id)).stream().filter("besked"::equals).count() == 2, "the message entries");
        Api.as(citizen()).post(base + retracted + "/retract").then().statusCode(200);
        Api.as(citizen()).post(base + retracted + "/retract").then().statusCode(200);
        Map<String, String> correction = Map.of("body", "Mødet er kl. 10.", "reason", "Forkert tidspunkt");
        Api.as(staff()).body(correction).put(base + corrected + "/correction").then().statusCode(200);
        Api.as(staff()).body(correction).put(base + corrected + "/correction").then().statusCode(200);
        await(() -> types(entries(id)).containsAll(List.of("message-retracted", "message-corrected")),
                "the retraction and correction entries");

        List<Map.Entry<Map<String, Object>, JsonPath>> all = entries(id);
        assertEquals(List.of("conversation-opened", "besked", "besked", "message-retracted", "message-corrected"),
                types(all), "one entry each, however often asked");
        Map.Entry<Map<String, Object>, JsonPath> original = all.get(1);
        Map.Entry<Map<String, Object>, JsonPath> staffOriginal = all.get(2);
        JsonPath retraction = all.get(3).getValue();
        JsonPath correctionEntry = all.get(4).getValue();

        // the originals stay, text and all
        assertEquals("Forkert vedhæftet tekst", original.getValue().getString("body"));
        assertEquals("Mødet er kl. 9.", staffOriginal.getValue().getString("body"));

        assertEquals(retracted, retraction.getString("refersTo.messageId"));
        assertNull(retraction.get("messageId"), "the entry's own messageId is the feed's: null");
        assertEquals(((Number) original.getKey().get("position")).longValue(),
                retraction.getLong("refersTo.position"));
        assertEquals(original.getKey().get("id"), retraction.getString("refersTo.entryId"));
        assertEquals("received", retraction.getString("direction"));
        assertEquals("citizen", retraction.getString("author.kind"));
        assertEquals(JournalFixture.CPR_J, retraction.getString("party.cpr"));
        assertNull(retraction.get("reason"));
        assertNull(all.get(3).getKey().get("messageId"), "the feed's messageId stays the besked entries' own");

        assertEquals(corrected, correctionEntry.getString("refersTo.messageId"));
        assertEquals(((Number) staffOriginal.getKey().get("position")).longValue(),
                correctionEntry.getLong("refersTo.position"));
        assertEquals("Mødet er kl. 10.", correctionEntry.getString("body"));
        assertEquals("Forkert tidspunkt", correctionEntry.getString("reason"));
        assertEquals("sent", correctionEntry.getString("direction"));
        assertEquals("Jane Juul", correctionEntry.getString("author.name"));

        // besked entries have neither field: their bytes are as before this change
        assertNull(original.getValue().get("refersTo"));
        Api.as(reader()).get("/api/v1/journal/verification").then().statusCode(200)
                .body("firstBroken", org.hamcrest.Matchers.nullValue());

        // the conversation document made at close shows each message as sent and what happened to it since
        Api.as(staff()).post("/api/v1/conversations/" + id + "/close").then().statusCode(200);
        await(() -> types(entries(id)).contains("conversation-document"), "the conversation document");
        JsonPath document = entries(id).stream().map(Map.Entry::getValue)
                .filter(d -> "conversation-document".equals(d.getString("documentType"))).findFirst().orElseThrow();
        byte[] pdf = Base64.getDecoder().decode(document.getString("attachments[0].content"));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
            assertTrue(text.contains("Forkert vedhæftet tekst [Trukket tilbage af afsenderen"), text);
            assertTrue(text.contains("Mødet er kl. 9. [Berigtiget"), text);
            assertTrue(text.contains("Begrundelse: Forkert tidspunkt. Rettet tekst: Mødet er kl. 10.]"), text);
        }
    }
}

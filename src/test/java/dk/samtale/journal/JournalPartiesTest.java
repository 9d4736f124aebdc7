package dk.samtale.journal;

import static dk.samtale.journal.JournalFixture.UNIT_J;
import static dk.samtale.journal.JournalFixture.document;
import static dk.samtale.journal.JournalFixture.entryOf;
import static dk.samtale.journal.JournalFixture.head;
import static dk.samtale.journal.JournalFixture.staff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dk.samtale.testing.People;
import dk.samtale.testing.Tokens;

/**
 * Journal entries of conversations about a child name every party with its role (issue 20): the child and
 * each guardian who is a party, with CPR and name for the case system; a guardian's message is authored by
 * the guardian, not the child; an ordinary conversation's entries are exactly as before (no parties).
 */
@QuarkusTest
class JournalPartiesTest {

    @Test
    void entriesNameTheChildAndTheGuardiansWithTheirRoles() {
        String childCpr = People.cprOfAge(12, 7);
        String guardianCpr = People.cprOfAge(39, 7);
        String childId = People.lookUp(staff(), childCpr);
        String guardianId = People.lookUp(staff(), guardianCpr);
        String guardian = Tokens.citizen("journalby", guardianCpr, "Bente Alstrup");
        Api.as(guardian).get("/api/v1/me").then().statusCode(200);
        // names come from MitID: each signs in once
        Api.as(Tokens.citizen("journalby", childCpr, "Alma Alstrup")).get("/api/v1/me").then().statusCode(200);
        Api.as(staff()).body(Map.of("cpr", guardianCpr, "unitId", UNIT_J)).post("/api/v1/citizens/" + childId
                + "/guardians").then().statusCode(201);
        String withGuardians = open(Map.of("unitId", UNIT_J, "citizenId", childId, "subject", "Familiesag",
                "parties", "guardians", "guardianIds", List.of(guardianId)));
        String own = open(Map.of("unitId", UNIT_J, "citizenId", childId, "subject", "Rådgivning", "parties",
                "child"));
        String plain = open(Map.of("unitId", UNIT_J, "citizenId", guardianId, "subject", "Egen sag"));
        long after = head();

        String fromGuardian = send(guardian, withGuardians, "Vi kommer gerne til mødet");
        JsonPath doc = document(entryOf(fromGuardian, after));
        assertEquals(List.of("child", "guardian"), doc.getList("parties.role"));
        assertEquals(List.of(childCpr, guardianCpr), doc.getList("parties.cpr"));
        assertEquals(List.of("Alma Alstrup", "Bente Alstrup"), doc.getList("parties.name"));
        assertEquals("Bente Alstrup", doc.getString("author.name"));
        assertEquals(guardianId, doc.getString("author.id"));
        assertEquals(childCpr, doc.getString("party.cpr"));

        JsonPath ownDoc = document(entryOf(send(staff(), own, "Hej Alma"), after));
        assertEquals(List.of("child"), ownDoc.getList("parties.role"));

        JsonPath plainDoc = document(entryOf(send(staff(), plain, "Hej Bente"), after));
        assertNull(plainDoc.get("parties"), "an ordinary conversation's entry is unchanged");
    }

    @Test
    void lifecycleRetractionAndDocumentEntriesNameThePartiesTooAndAGuardianActsAsThemself() throws Exception {
        String childCpr = People.cprOfAge(10, 3);
        String guardianCpr = People.cprOfAge(41, 3);
        String childId = People.lookUp(staff(), childCpr);
        String guardianId = People.lookUp(staff(), guardianCpr);
        String guardian = Tokens.citizen("journalby", guardianCpr, "Gorm Gudmand");
        Api.as(guardian).get("/api/v1/me").then().statusCode(200);
        Api.as(Tokens.citizen("journalby", childCpr, "Gry Gudmand")).get("/api/v1/me").then().statusCode(200);
        Api.as(staff()).body(Map.of("cpr", guardianCpr, "unitId", UNIT_J)).post("/api/v1/citizens/" + childId
                + "/guardians").then().statusCode(201);
        long after = head();
        String conversation = open(Map.of("unitId", UNIT_J, "citizenId", childId, "subject", "Skoleskift",
                "parties", "guardians", "guardianIds", List.of(guardianId)));
        String kept = send(guardian, conversation, "Vi ønsker skoleskift efter sommerferien");
        String taken = send(guardian, conversation, "Forkert besked");
        entryOf(kept, after);
        entryOf(taken, after);
        Api.as(guardian).post("/api/v1/conversations/" + conversation + "/messages/" + taken + "/retract").then()
                .statusCode(200);
        Api.as(staff()).post("/api/v1/conversations/" + conversation + "/close").then().statusCode(200);

        for (String type : List.of("conversation-opened", "message-retracted", "conversation-closed",
                "conversation-document")) {
            JsonPath doc = document(entryOfType(conversation, type, after));
            assertEquals(List.of("child", "guardian"), doc.getList("parties.role"), type);
            assertEquals(List.of(childCpr, guardianCpr), doc.getList("parties.cpr"), type);
        }
        JsonPath retraction = document(entryOfType(conversation, "message-retracted", after));
        assertEquals("Gorm Gudmand", retraction.getString("author.name"), "the guardian took it back, not the child");
        assertTrue(retraction.getString("body").contains("Gorm Gudmand"), retraction.getString("body"));
        assertFalse(retraction.getString("body").contains("Gry"), retraction.getString("body"));

        // the conversation document (PDF) names the guardian as the writer of their messages, and both parties
        byte[] pdf = Api.as(staff()).accept("application/pdf").get("/api/v1/conversations/" + conversation
                + "/document").then().statusCode(200).extract().asByteArray();
        try (PDDocument d = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(d);
            assertTrue(text.contains("Gorm Gudmand (forælder)"), text);
            assertTrue(text.contains("Gry Gudmand (barn)"), text);
            String line = text.lines().filter(l -> l.contains("Gorm Gudmand") && !l.contains("(forælder)"))
                    .findFirst().orElse("");
            assertFalse(line.isEmpty(), "the guardian's message is theirs: " + text);
        }
    }

    /** The first entry of this type for the conversation after that position, once sequenced. */
    private static Map<String, Object> entryOfType(String conversation, String type, long after) {
        return JournalFixture.entryWhere(i -> conversation.equals(i.get("conversationId"))
                && type.equals(document(i).getString("documentType")), after,
                "the " + type + " entry of " + conversation);
    }

    private static String open(Map<String, Object> body) {
        return Api.as(staff()).body(body).post("/api/v1/conversations").then().statusCode(201).extract().path("id");
    }

    private static String send(String token, String conversation, String body) {
        return Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }
}

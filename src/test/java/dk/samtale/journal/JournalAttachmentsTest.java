package dk.samtale.journal;

import static dk.samtale.journal.JournalFixture.citizen;
import static dk.samtale.journal.JournalFixture.document;
import static dk.samtale.journal.JournalFixture.entryOf;
import static dk.samtale.journal.JournalFixture.head;
import static dk.samtale.journal.JournalFixture.reader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dk.samtale.testing.Api;
import dk.samtale.testing.Clamd;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * The journal entry of a message lists its files (name, type, size, SHA-256 of the cleaned file) inside
 * the signed payload, and the case system fetches the very bytes whose hash the entry carries.
 */
@QuarkusTest
class JournalAttachmentsTest {

    @BeforeEach
    void scanner() {
        Assumptions.assumeTrue(Clamd.shared() != null, "!!! clamd cannot be had here: " + Clamd.whyUnavailable());
    }

    @Test
    void theEntryListsTheFileAndTheCaseSystemGetsTheSameBytes() throws Exception {
        String citizen = citizen();
        String conversation = World.openConversation(citizen, JournalFixture.UNIT_J);
        BufferedImage img = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
        img.setRGB(5, 5, 0xff0000);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        String fileId = Api.as(citizen).contentType("image/png")
                .header("Content-Disposition", "attachment; filename*=UTF-8''"
                        + URLEncoder.encode("lønseddel marts.png", StandardCharsets.UTF_8).replace("+", "%20"))
                .body(png.toByteArray()).post("/api/v1/conversations/{c}/attachments", conversation).then()
                .statusCode(201).extract().path("id");
        // before a message carries it, the case system cannot have it
        Api.as(reader()).accept("*/*").get("/api/v1/journal/attachments/" + fileId).then().statusCode(404);

        long after = head();
        String messageId = Api.as(citizen)
                .body(Map.of("clientMessageId", "journal-file", "body", "Min lønseddel", "attachmentIds",
                        List.of(fileId)))
                .post("/api/v1/conversations/{c}/messages", conversation).then().statusCode(201).extract()
                .path("messageId");

        JsonPath doc = document(entryOf(messageId, after));
        assertEquals(1, doc.getList("attachments").size());
        assertEquals("lønseddel marts.png", doc.getString("attachments[0].fileName"));
        assertEquals("image/png", doc.getString("attachments[0].mediaType"));
        assertEquals(fileId, doc.getString("attachments[0].id"));
        assertNull(doc.get("attachments[0].content"));
        String href = doc.getString("attachments[0].href");
        assertEquals("/api/v1/journal/attachments/" + fileId, href);

        byte[] fetched = Api.as(reader()).accept("*/*").get(href).then().statusCode(200).contentType("image/png")
                .header("X-Content-Type-Options", "nosniff").extract().asByteArray();
        assertEquals(doc.getString("attachments[0].sha256"),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fetched)));
        assertEquals(doc.getLong("attachments[0].size"), fetched.length);
        // the cleaned file, not the upload: a PNG re-encoded by the cleaner may differ, but never holds more
        assertFalse(fetched.length == 0);

        // another tenant's case system, a participant, an admin: not theirs to fetch this way
        Api.as(Tokens.service("andenby", "acadre", "journal-reader")).accept("*/*").get(href).then()
                .statusCode(404);
        Api.as(JournalFixture.staff()).accept("*/*").get(href).then().statusCode(403);
        Api.as(JournalFixture.admin()).accept("*/*").get(href).then().statusCode(403);
        Api.anonymous().get(href).then().statusCode(401);
    }
}

package dk.samtale.attachment;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dk.samtale.testing.Api;
import dk.samtale.testing.Clamd;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Upload-then-send: files go with a message when they are the sender's accepted uploads in the same
 * conversation and no message carries them yet; they are linked in the message's transaction, shown on
 * REST views and live frames, and from then on downloadable by the conversation's participants only.
 */
@QuarkusTest
class MessageFilesTest {

    @Inject
    AgroalDataSource db;

    @Inject
    UnsentCleanup cleanup;

    @Inject
    dk.samtale.crypto.KeyRing keys;

    @Inject
    dk.samtale.crypto.ReencryptionJob job;

    @BeforeEach
    void scanner() {
        Assumptions.assumeTrue(Clamd.shared() != null, "!!! clamd cannot be had here: " + Clamd.whyUnavailable());
    }

    static String uploaded(String token, String conversation, byte[] content, String name, String type) {
        return AttachmentTest.upload(token, conversation, content, name, type).then().statusCode(201).extract()
                .path("id");
    }

    static Response send(String token, String conversation, String clientMessageId, String body, List<String> ids) {
        Map<String, Object> send = new HashMap<>();
        send.put("clientMessageId", clientMessageId);
        if (body != null) {
            send.put("body", body);
        }
        send.put("attachmentIds", ids);
        return Api.as(token).body(send).post("/api/v1/conversations/{c}/messages", conversation);
    }

    @Test
    void filesGoWithAMessageAndTheOtherSideSeesThemLiveAndDownloadsThem() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String photo = uploaded(citizen, conversation, TestFiles.jpegWithGps(200, 100), "sygemelding.jpg",
                "image/jpeg");
        String letter = uploaded(citizen, conversation, TestFiles.pdfWithJavaScript(), "lønseddel.pdf",
                "application/pdf");
        try (WsClient staff = WsClient.connect(World.staffX())) {
            // no text: the files say it
            Response ack = send(citizen, conversation, "with-files-1", null, List.of(letter, photo));
            ack.then().statusCode(201);
            String messageId = ack.path("messageId");

            JsonNode frame = staff.await(f -> f.path("type").asText().equals("message")
                    && f.path("message").path("id").asText().equals(messageId), "message with files");
            JsonNode files = frame.path("message").path("attachments");
            assertEquals(2, files.size());
            assertEquals(letter, files.get(0).path("id").asText(), "in the order named");
            assertEquals("lønseddel.pdf", files.get(0).path("fileName").asText());
            assertEquals("application/pdf", files.get(0).path("mediaType").asText());
            assertFalse(files.get(0).path("hasThumbnail").asBoolean());
            assertEquals(photo, files.get(1).path("id").asText());
            assertTrue(files.get(1).path("hasThumbnail").asBoolean());
            assertEquals("", frame.path("message").path("body").asText());
        }

        // the REST page shows them to both sides
        for (String reader : List.of(citizen, World.staffX())) {
            Api.as(reader).get("/api/v1/conversations/{c}/messages", conversation).then().statusCode(200)
                    .body("items[0].attachments.size()", equalTo(2))
                    .body("items[0].attachments[1].fileName", equalTo("sygemelding.jpg"))
                    .body("items[0].attachments[1].mediaType", equalTo("image/jpeg"));
        }
        // the unit's staff may download now; the statuses say which message carries them
        byte[] served = Api.as(World.staffX()).accept("*/*").get(AttachmentTest.path(conversation, photo)).then()
                .statusCode(200).extract().asByteArray();
        assertFalse(TestFiles.contains(served, "GPS"));
        Api.as(World.staffX()).accept("*/*").get(AttachmentTest.path(conversation, photo) + "/thumbnail").then()
                .statusCode(200).contentType("image/jpeg");
        // other parties still get nothing
        for (String other : new String[]{World.citizenB(), World.staffY(), World.staffOfAndenby(),
                World.citizenOfAndenby()}) {
            Api.as(other).accept("*/*").get(AttachmentTest.path(conversation, photo)).then().statusCode(404);
            Api.as(other).accept("*/*").get(AttachmentTest.path(conversation, photo) + "/thumbnail").then()
                    .statusCode(404);
        }
        // the event of the message names the files (ids only)
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(
                        """
                                SELECT detail -> 'attachments' FROM conversation_event WHERE conversation_id = ? AND kind = 'message'""")) {
            q.setObject(1, UUID.fromString(conversation));
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) { // the log may have been pruned already: then the message row is the record
                    assertTrue(rs.getString(1).contains(letter) && rs.getString(1).contains(photo), rs.getString(1));
                    assertFalse(rs.getString(1).contains("sygemelding"));
                }
            }
        }
    }

    @Test
    void filesOfARetractedMessageAreGoneForTheConversationButStayForTheCaseSystem() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String letter = uploaded(citizen, conversation, TestFiles.pdfWithJavaScript(), "forkert-fil.pdf",
                "application/pdf");
        String messageId = send(citizen, conversation, "retract-files-1", "Her er den", List.of(letter)).then()
                .statusCode(201).extract().path("messageId");
        Api.as(World.staffX()).accept("*/*").get(AttachmentTest.path(conversation, letter)).then().statusCode(200);

        Api.as(citizen).post("/api/v1/conversations/{c}/messages/{m}/retract", conversation, messageId).then()
                .statusCode(200);

        // the views show no files any more, and neither side can fetch them by id: the sender took them back
        for (String reader : List.of(citizen, World.staffX())) {
            Api.as(reader).accept("*/*").get(AttachmentTest.path(conversation, letter)).then().statusCode(404);
            Api.as(reader).get(AttachmentTest.path(conversation, letter) + "/status").then().statusCode(404);
        }
        // the record of authority keeps what was sent
        Api.as(Tokens.service("testby", "case-system", "journal-reader")).accept("*/*")
                .get("/api/v1/journal/attachments/" + letter).then().statusCode(200).contentType("application/pdf");
    }

    @Test
    void aRetryGetsTheOriginalAckAndAFileGoesWithOneMessageOnly() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String photo = uploaded(citizen, conversation, TestFiles.jpegWithGps(40, 40), "a.jpg", "image/jpeg");
        Response first = send(citizen, conversation, "retry-files", "Her er den", List.of(photo));
        first.then().statusCode(201);
        send(citizen, conversation, "retry-files", "Her er den", List.of(photo)).then().statusCode(200)
                .body("messageId", equalTo(first.path("messageId")));
        send(citizen, conversation, "another", "Igen", List.of(photo)).then().statusCode(409)
                .body("code", equalTo("attachment-not-usable"));
        assertEquals(1, messages(conversation));
        Api.as(citizen).get(AttachmentTest.path(conversation, photo) + "/status").then().statusCode(200)
                .body("messageId", equalTo(first.path("messageId")));
    }

    @Test
    void onlyTheSendersOwnAcceptedUploadInThisConversationCanGoAndARefusalStoresNothing() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String mine = uploaded(citizen, conversation, TestFiles.jpegWithGps(30, 30), "mine.jpg", "image/jpeg");
        // staff of the unit cannot send the citizen's upload as theirs
        send(World.staffX(), conversation, "staff-takes", "Tak", List.of(mine)).then().statusCode(409)
                .body("code", equalTo("attachment-not-usable"));
        // an upload of another conversation, and an unknown id
        String second = World.openConversation(citizen, World.UNIT_X);
        String elsewhere = uploaded(citizen, second, TestFiles.jpegWithGps(30, 30), "other.jpg", "image/jpeg");
        send(citizen, conversation, "wrong-conv", "x", List.of(mine, elsewhere)).then().statusCode(409)
                .body("code", equalTo("attachment-not-usable"));
        send(citizen, conversation, "unknown", "x", List.of(UUID.randomUUID().toString())).then().statusCode(409)
                .body("code", equalTo("attachment-not-usable"));
        // who cannot see the conversation learns nothing about the files
        send(World.citizenB(), conversation, "stranger", "x", List.of(mine)).then().statusCode(404);
        // nothing was stored and the good file was not taken by the refused messages
        assertEquals(0, messages(conversation));
        assertNull(messageOf(mine));
        // named twice; too many
        send(citizen, conversation, "twice", "x", List.of(mine, mine)).then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(UUID.randomUUID().toString());
        }
        send(citizen, conversation, "many", "x", eleven).then().statusCode(400)
                .body("code", equalTo("attachments-too-many"));
        // a file never goes by SMS
        String staffFile = uploaded(World.staffX(), conversation, TestFiles.jpegWithGps(30, 30), "brev.jpg",
                "image/jpeg");
        Api.as(World.staffX())
                .body(Map.of("clientMessageId", "sms-file", "body", "x", "smsAllowed", true, "attachmentIds",
                        List.of(staffFile)))
                .post("/api/v1/conversations/{c}/messages", conversation).then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        // without files the body is still required
        Api.as(citizen).body(Map.of("clientMessageId", "empty", "body", " ", "attachmentIds", List.of()))
                .post("/api/v1/conversations/{c}/messages", conversation).then().statusCode(400)
                .body("code", equalTo("body-empty"));
        // and the good one still goes
        send(citizen, conversation, "at-last", "Nu", List.of(mine)).then().statusCode(201);
        assertEquals(1, messages(conversation));
    }

    @Test
    void aFileStillBeingScannedIsRefusedWithRetryAfterAndGoesOnceAccepted() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        Clamd clamd = Clamd.shared();
        String id;
        clamd.stop();
        try {
            id = AttachmentTest.upload(citizen, conversation, TestFiles.jpegWithGps(60, 60), "venter.jpg", "image/jpeg")
                    .then().statusCode(202).extract().path("id");
            send(citizen, conversation, "pending-1", "Foto", List.of(id)).then().statusCode(409)
                    .body("code", equalTo("attachment-pending")).header("Retry-After", "10");
            assertEquals(0, messages(conversation));
        } finally {
            clamd.start();
        }
        long deadline = System.currentTimeMillis() + 20_000;
        Response r = send(citizen, conversation, "pending-1", "Foto", List.of(id));
        while (r.statusCode() == 409 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            r = send(citizen, conversation, "pending-1", "Foto", List.of(id));
        }
        r.then().statusCode(201);
    }

    @Test
    void filesTooLargeTogetherForTheTenantAreRefused() throws Exception {
        String citizen = World.citizenOfAndenby();
        String conversation = World.openConversation(citizen, World.UNIT_Z);
        byte[] png = TestFiles.pngWithText(300, 300);
        String a = uploaded(citizen, conversation, png, "a.png", "image/png");
        String b = uploaded(citizen, conversation, png, "b.png", "image/png");
        long one = Api.as(citizen).get(AttachmentTest.path(conversation, a) + "/status").then().extract()
                .<Number>path("size").longValue();
        exec("""
                INSERT INTO attachment_policy (tenant_id, allowed_types, max_file_bytes, max_message_bytes)
                SELECT id, '{image/png,image/jpeg,application/pdf}', 10485760, %d FROM tenant WHERE slug = 'andenby'
                ON CONFLICT (tenant_id) DO UPDATE SET max_message_bytes = EXCLUDED.max_message_bytes
                """.formatted(one + one / 2));
        try {
            send(citizen, conversation, "too-big", "x", List.of(a, b)).then().statusCode(413)
                    .body("code", equalTo("attachments-too-large"));
            assertNull(messageOf(a));
            send(citizen, conversation, "fits", "x", List.of(a)).then().statusCode(201);
        } finally {
            exec("DELETE FROM attachment_policy WHERE tenant_id = (SELECT id FROM tenant WHERE slug = 'andenby')");
        }
    }

    @Test
    void theSendFrameCarriesFilesAndItsRefusalsComeAsErrorFrames() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String photo = uploaded(citizen, conversation, TestFiles.jpegWithGps(40, 30), "ws.jpg", "image/jpeg");
        try (WsClient ws = WsClient.connect(citizen)) {
            ws.send(Map.of("type", "send", "id", "f1", "conversationId", conversation, "clientMessageId", "ws-files",
                    "attachmentIds", List.of(photo)));
            JsonNode ack = ws.await("ack");
            assertEquals("f1", ack.path("ref").asText());

            ws.send(Map.of("type", "send", "id", "f2", "conversationId", conversation, "clientMessageId", "ws-again",
                    "body", "x", "attachmentIds", List.of(photo)));
            JsonNode error = ws.await("error");
            assertEquals("f2", error.path("ref").asText());
            assertEquals("attachment-not-usable", error.path("code").asText());

            ws.send(Map.of("type", "send", "id", "f3", "conversationId", conversation, "clientMessageId", "ws-bad",
                    "body", "x", "attachmentIds", List.of("not-a-uuid")));
            assertEquals("invalid-field", ws.await("error").path("code").asText());
        }
        Api.as(World.staffX()).get("/api/v1/conversations/{c}/messages", conversation).then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].attachments[0].id", equalTo(photo))
                .body("items[0].smsState", nullValue());
    }

    @Test
    void uploadsNoMessageTookAreDeletedAfterTheirRetentionAndSentOnesStay() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String sent = uploaded(citizen, conversation, TestFiles.jpegWithGps(30, 30), "sendt.jpg", "image/jpeg");
        String abandoned = uploaded(citizen, conversation, TestFiles.jpegWithGps(30, 30), "glemt.jpg", "image/jpeg");
        String fresh = uploaded(citizen, conversation, TestFiles.jpegWithGps(30, 30), "ny.jpg", "image/jpeg");
        send(citizen, conversation, "keeps", "x", List.of(sent)).then().statusCode(201);
        for (String id : List.of(sent, abandoned)) {
            exec("UPDATE attachment SET created_at = now() - interval '25 hours' WHERE id = '" + id + "'");
        }
        assertTrue(chunks(abandoned) > 0);

        assertTrue(cleanup.run() >= 1);

        Api.as(citizen).get(AttachmentTest.path(conversation, abandoned) + "/status").then().statusCode(404);
        assertEquals(0, chunks(abandoned), "its content is gone too");
        Api.as(citizen).get(AttachmentTest.path(conversation, fresh) + "/status").then().statusCode(200);
        Api.as(World.staffX()).accept("*/*").get(AttachmentTest.path(conversation, sent)).then().statusCode(200);
        // too late to send it now
        send(citizen, conversation, "too-late", "x", List.of(abandoned)).then().statusCode(409)
                .body("code", equalTo("attachment-not-usable"));
    }

    @Test
    void aFileIsSealedUnderItsConversationsKeyWhichARotationOnlyRewrapsAndTheFileStaysTheSame() throws Exception {
        String citizen = World.citizenOfAndenby();
        String conversation = World.openConversation(citizen, World.UNIT_Z);
        // noise does not compress: several chunks
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(600, 600,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random rnd = new java.util.Random(3);
        for (int y = 0; y < 600; y++) {
            for (int x = 0; x < 600; x++) {
                noise.setRGB(x, y, rnd.nextInt());
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(noise, "png", png);
        String id = uploaded(citizen, conversation, png.toByteArray(), "støj før.png", "image/png");
        send(citizen, conversation, "rotate", "x", List.of(id)).then().statusCode(201);
        String sha = Api.as(citizen).get(AttachmentTest.path(conversation, id) + "/status").then().extract()
                .path("sha256");
        UUID tenant = UUID.fromString(scalar("SELECT id::text FROM tenant WHERE slug = 'andenby'"));
        int before = keys.tenant(tenant).await().indefinitely().activeKeyId();
        // key id 0: the conversation's own key, destroyed with the conversation (issue 16)
        assertEquals(List.of(0), chunkKeys(id), "every chunk of every variant under the conversation's key");

        int next = keys.rotate(tenant).await().indefinitely();
        assertTrue(next != before);
        // readable straight after the rotation, before any re-encryption
        assertEquals(sha, AttachmentTest.sha256(Api.as(World.staffOfAndenby()).accept("*/*")
                .get(AttachmentTest.path(conversation, id)).then().statusCode(200).extract().asByteArray()));
        job.run(tenant, dk.samtale.crypto.ReencryptionJob.BATCH, Integer.MAX_VALUE).await().indefinitely();

        // the job re-wrapped the conversation's key under the new tenant key; the chunks stay as they are
        assertEquals(List.of(0), chunkKeys(id), "the chunks were not re-sealed");
        assertEquals("0", scalar("SELECT sealed_key::text FROM attachment WHERE id = '" + id + "'"));
        assertEquals(sha, AttachmentTest.sha256(Api.as(World.staffOfAndenby()).accept("*/*")
                .get(AttachmentTest.path(conversation, id)).then().statusCode(200).extract().asByteArray()));
        Api.as(citizen).get(AttachmentTest.path(conversation, id) + "/status").then().statusCode(200)
                .body("fileName", equalTo("støj før.png"));
    }

    private List<Integer> chunkKeys(String attachment) throws Exception {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement("SELECT data FROM attachment_chunk WHERE attachment_id = ?")) {
            q.setObject(1, UUID.fromString(attachment));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    int k = dk.samtale.crypto.MessageCipher.keyIdOf(rs.getBytes(1));
                    if (!ids.contains(k)) {
                        ids.add(k);
                    }
                }
            }
        }
        return ids;
    }

    private String scalar(String sql) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(sql);
                ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private int chunks(String attachment) throws Exception {
        return Integer.parseInt(scalar("SELECT count(*) FROM attachment_chunk WHERE attachment_id = '"
                + UUID.fromString(attachment) + "'"));
    }

    private int messages(String conversation) throws Exception {
        return Integer.parseInt(scalar("SELECT count(*) FROM message WHERE conversation_id = '"
                + UUID.fromString(conversation) + "'"));
    }

    private UUID messageOf(String attachment) throws Exception {
        String id = scalar("SELECT message_id::text FROM attachment WHERE id = '" + UUID.fromString(attachment) + "'");
        return id == null ? null : UUID.fromString(id);
    }

    private void exec(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.executeUpdate();
        }
    }
}

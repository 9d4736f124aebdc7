package dk.samtale.journal;

import static dk.samtale.journal.JournalFixture.await;
import static dk.samtale.journal.JournalFixture.citizen;
import static dk.samtale.journal.JournalFixture.reader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/** The offline verification CLI, and one sequencer per tenant at a time. */
@QuarkusTest
class JournalChainToolsTest {

    private static final UUID JOURNALBY = UUID.fromString("00000000-0000-7000-8000-000000000004");

    @Inject
    AgroalDataSource db;

    private static String send(String conversationId, String body) {
        return Api.as(citizen()).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversationId + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

    private static int cli(String key, Path page, StringBuilder output) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyJournal.verify(key, List.of(page), new PrintStream(out, true, StandardCharsets.UTF_8));
        output.append(out.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void theCliVerifiesSavedFeedPagesAndFindsAOneByteChange() throws Exception {
        String id = World.openConversation(citizen(), JournalFixture.UNIT_J);
        String m = send(id, "Til revisoren");
        JournalFixture.entryOf(m, 0);
        String key = Api.as(reader()).get("/api/v1/journal/signing-key").then().statusCode(200).extract()
                .path("publicKeyPem");
        String page = Api.as(reader()).get("/api/v1/journal/entries?after=0&limit=1000").then().statusCode(200)
                .extract().asString();
        Path file = Files.createTempFile("journal-page", ".json");
        Files.writeString(file, page);
        StringBuilder out = new StringBuilder();
        assertEquals(0, cli(key, file, out), out::toString);
        assertTrue(out.toString().startsWith("OK: positions 1 to "), out::toString);

        // one byte of one payload changed: the CLI names that position
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(page);
        ObjectNode item = (ObjectNode) root.path("items").get(0);
        byte[] payload = Base64.getDecoder().decode(item.path("payload").asText());
        payload[payload.length - 3] ^= 1;
        item.put("payload", Base64.getEncoder().encodeToString(payload));
        Files.writeString(file, json.writeValueAsString(root));
        out.setLength(0);
        assertEquals(1, cli(key, file, out), out::toString);
        assertTrue(out.toString().startsWith("BROKEN at position 1:"), out::toString);
    }

    @Test
    void whileAnotherReplicaHoldsTheTenantsSequencerLockNothingIsSequencedHere() throws Exception {
        String id = World.openConversation(citizen(), JournalFixture.UNIT_J);
        try (Connection other = db.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement st = other
                    .prepareStatement("SELECT pg_advisory_xact_lock(x'45564c47'::int, hashtext(?))")) {
                // the event log's lock for the journal's pass over this tenant (platform.EventLog)
                st.setString(1, "journal:" + JOURNALBY);
                st.execute();
            }
            String m = send(id, "Venter på låsen");
            Thread.sleep(1500); // several wakes and polls
            assertEquals(0, count("SELECT count(*) FROM journal_entry WHERE message_id = ?", UUID.fromString(m)));
            assertEquals(1, count("SELECT count(*) FROM conversation_event WHERE message_id = ?", UUID.fromString(m)));
            other.commit(); // the other "replica" is done
            await(() -> count("SELECT count(*) FROM journal_entry WHERE message_id = ?", UUID.fromString(m)) == 1,
                    "the entry once the lock is free");
        }
    }

    private long count(String sql, UUID arg) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

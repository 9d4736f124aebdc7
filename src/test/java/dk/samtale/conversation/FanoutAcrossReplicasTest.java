package dk.samtale.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.testing.Api;
import dk.samtale.testing.People;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Messages committed by another replica reach this replica's sockets through PostgreSQL NOTIFY, loaded
 * from the database; a notification that never arrived is healed from the database at the next one.
 */
@QuarkusTest
class FanoutAcrossReplicasTest {

    private static final UUID TESTBY = UUID.fromString("00000000-0000-7000-8000-000000000001");

    @Inject
    Pool pool;

    @Inject
    dk.samtale.crypto.ConversationKeys keys;

    @Test
    void aMessageNotifiedByAnotherReplicaIsDeliveredAndAGapIsFilledFromTheDatabase() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String citizenId = Api.as(World.citizenA()).get("/api/v1/me").then().extract().path("id");
        try (WsClient caseworker = WsClient.connect(World.staffX())) {
            UUID first = commitElsewhere(conversation, citizenId, 1, "fra en anden replika");
            notifyAsAnotherReplica(conversation, citizenId, first, 1);
            assertEquals("fra en anden replika", caseworker.await("message").path("message").path("body").asText());

            // seq 2's notification is lost; seq 3's arrives: the socket gets 2 (from the database), then 3
            commitElsewhere(conversation, citizenId, 2, "tabt notifikation");
            UUID third = commitElsewhere(conversation, citizenId, 3, "tredje");
            notifyAsAnotherReplica(conversation, citizenId, third, 3);
            assertEquals(2, caseworker.await("message").path("message").path("seq").asLong());
            assertEquals(3, caseworker.await("message").path("message").path("seq").asLong());
        }
    }

    /** A typing notice or receipt from a staff member's socket on another replica names them there too. */
    @Test
    void typingAndReadNotifiedByAnotherReplicaNameTheStaffMember() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String staffId = Api.as(World.staffX()).get("/api/v1/me").then().extract().path("id");
        String citizenId = Api.as(World.citizenA()).get("/api/v1/me").then().extract().path("id");
        try (WsClient citizen = WsClient.connect(World.citizenA())) {
            notifyAsAnotherReplica("""
                    {"t":"y","tn":"%s","u":"%s","ci":"%s","c":"%s","ak":"staff","a":"%s","an":"Kirsten Kvist"}"""
                    .formatted(TESTBY, World.UNIT_X, citizenId, conversation, staffId));
            assertEquals("Kirsten Kvist", citizen.await("typing").path("sender").path("name").asText());
            commitElsewhere(conversation, citizenId, 1, "læst");
            notifyAsAnotherReplica(
                    """
                            {"t":"r","tn":"%s","u":"%s","ci":"%s","c":"%s","ak":"staff","a":"%s","s":1,"an":"Kirsten Kvist"}"""
                            .formatted(TESTBY, World.UNIT_X, citizenId, conversation, staffId));
            assertEquals("Kirsten Kvist", citizen.await("read").path("reader").path("name").asText());
        }
    }

    /**
     * Issue 20: a message committed on another replica in a conversation with a child's guardians reaches the
     * guardian's socket here, and never the child's, though the notification names the child as its citizen.
     */
    @Test
    void aGuardiansConversationNotifiedByAnotherReplicaReachesTheGuardianAndNeverTheChild() {
        String staff = World.staffY();
        String childCpr = People.cprOfAge(14, 30);
        String guardianCpr = People.cprOfAge(42, 30);
        String childId = People.lookUp(staff, childCpr);
        String guardianId = People.lookUp(staff, guardianCpr);
        Api.as(staff).body(Map.of("cpr", guardianCpr, "unitId", World.UNIT_Y)).post("/api/v1/citizens/" + childId
                + "/guardians").then().statusCode(201);
        String conversation = Api.as(staff).body(Map.of("unitId", World.UNIT_Y, "citizenId", childId, "subject",
                "Familiesamtale", "parties", "guardians", "guardianIds", List.of(guardianId)))
                .post("/api/v1/conversations").then().statusCode(201).extract().path("id");
        try (WsClient guardian = WsClient.connect(Tokens.citizen("testby", guardianCpr, "Gerda Gram"));
                WsClient child = WsClient.connect(Tokens.citizen("testby", childCpr, "Gustav Gram"))) {
            UUID message = commitElsewhere(conversation, guardianId, 1, "fra forælderen på en anden replika");
            notifyAsAnotherReplica("""
                    {"t":"m","tn":"%s","u":"%s","ci":"%s","c":"%s","m":"%s","s":1}"""
                    .formatted(TESTBY, World.UNIT_Y, childId, conversation, message));
            assertEquals("fra forælderen på en anden replika",
                    guardian.await("message").path("message").path("body").asText());
            child.assertNoFrame(java.time.Duration.ofMillis(700), "message");
        }
    }

    private void notifyAsAnotherReplica(String event) {
        String payload = "{\"o\":\"" + UUID.randomUUID() + "\",\"e\":[" + event.strip() + "]}";
        pool.preparedQuery("SELECT pg_notify('samtale_events', $1)").execute(Tuple.of(payload)).await().indefinitely();
    }

    private UUID commitElsewhere(String conversation, String citizenId, long seq, String body) {
        UUID id = UUID.randomUUID();
        TenantKeys tenantKeys = keys.of(TESTBY, UUID.fromString(conversation)).await().indefinitely();
        Binding sealedAs = Binding.messageBody(TESTBY, UUID.fromString(conversation), id);
        byte[] sealed = tenantKeys.seal(sealedAs, body);
        pool.withTransaction(tx -> tx.preparedQuery("UPDATE conversation SET last_seq = $2 WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(conversation), seq))
                .flatMap(x -> tx.preparedQuery("""
                        INSERT INTO message (id, conversation_id, seq, sender_kind, sender_id, client_message_id,
                                             body_enc, body_key, channel, created_at)
                        VALUES ($1, $2, $3, 'citizen', $4, $5, $6, $7, 'app', $8)""")
                        .execute(Tuple.tuple(List.of(id, UUID.fromString(conversation), seq, UUID.fromString(citizenId),
                                "elsewhere-" + id, io.vertx.core.buffer.Buffer.buffer(sealed),
                                tenantKeys.keyIdFor(sealedAs),
                                OffsetDateTime.now())))))
                .await().indefinitely();
        return id;
    }

    private void notifyAsAnotherReplica(String conversation, String citizenId, UUID message, long seq) {
        String payload = """
                {"o":"%s","e":[{"t":"m","tn":"00000000-0000-7000-8000-000000000001","u":"%s","ci":"%s","c":"%s","m":"%s","s":%d}]}"""
                .formatted(UUID.randomUUID(), World.UNIT_X, citizenId, conversation, message, seq);
        pool.preparedQuery("SELECT pg_notify('samtale_events', $1)").execute(Tuple.of(payload)).await().indefinitely();
    }
}

package dk.samtale.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/**
 * A message's SMS held back (quiet hours) does not go out with a text its sender has since retracted or
 * corrected: a retracted message's SMS is cancelled; a corrected one's text is replaced by the plain notice.
 */
@QuarkusTest
class RetractedSmsTest {

    @Inject
    NoticeRelay relay;
    @Inject
    Pool pool;

    @AfterEach
    void quietAgain() {
        SmsFixture.quietHours(pool, "21:00", "08:00");
    }

    @Test
    void aHeldSmsOfARetractedMessageIsCancelledAndACorrectedOneGoesAsANotice() {
        SmsFixture.gatewayAccepts();
        SmsFixture.quietHours(pool, "00:00", "23:59"); // held, whenever the suite runs
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = SmsFixture.conversation(c, "sms");
        String retracted = SmsFixture.staffSends(conversation, "Forkert modtager: dit CPR er ...", true);
        String corrected = SmsFixture.staffSends(conversation, "Mødet er kl. 9", true);
        String base = "/api/v1/conversations/" + conversation + "/messages/";
        Api.as(World.staffX()).post(base + retracted + "/retract").then().statusCode(200);
        Api.as(World.staffX()).body(Map.of("body", "Mødet er kl. 10", "reason", "Forkert tidspunkt"))
                .put(base + corrected + "/correction").then().statusCode(200);

        // the quiet hours end
        SmsFixture.quietHours(pool, "00:00", "00:00");
        pool.preparedQuery("UPDATE sms_notice SET due_at = now() - interval '1 second', lease_until = NULL "
                + "WHERE conversation_id = $1").execute(Tuple.of(UUID.fromString(conversation))).await().indefinitely();
        SmsFixture.until(relay, () -> !"queued".equals(state(retracted)) && !"queued".equals(state(corrected)),
                "both notices handled");

        assertEquals("cancelled retracted", state(retracted) + " " + reason(retracted));
        for (var sms : SmsFixture.sentTo(c.msisdn())) {
            String text = sms.path("message").asText();
            assertFalse(text.contains("CPR") || text.contains("kl. 9") || text.contains("kl. 10"),
                    "no retracted or corrected text goes by SMS: " + text);
        }
        assertEquals(1, SmsFixture.sentTo(c.msisdn()).size(), "one notice for the corrected message");
    }

    private String state(String messageId) {
        return row(messageId).getString("state");
    }

    private String reason(String messageId) {
        return row(messageId).getString("reason");
    }

    private Row row(String messageId) {
        return pool.preparedQuery("SELECT state, reason FROM sms_notice WHERE message_id = $1")
                .execute(Tuple.of(UUID.fromString(messageId))).await().indefinitely().iterator().next();
    }
}

package dk.samtale.sms;

import static dk.samtale.sms.SmsFixture.conversation;
import static dk.samtale.sms.SmsFixture.passes;
import static dk.samtale.sms.SmsFixture.sentTo;
import static dk.samtale.sms.SmsFixture.smsState;
import static dk.samtale.sms.SmsFixture.staffSends;
import static dk.samtale.sms.SmsFixture.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.TestClock;

/**
 * app-then-sms: one notice when the app has not received a staff message within the tenant's delay
 * (15 minutes for testby), none in quiet hours (21:00–08:00 Copenhagen) — held ones go at 08:00, as one.
 * Time is the service's injected clock ({@link TestClock}), moved by the test.
 */
@QuarkusTest
class EscalationTest {

    @Inject
    NoticeRelay relay;
    @Inject
    TestClock clock;

    @BeforeEach
    void gateway() {
        SmsFixture.gatewayAccepts();
    }

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void escalatesOnceAfterTheDelayAndNotBefore() {
        clock.set(SmsFixture.tomorrowAt(LocalTime.of(10, 0)));
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "app-then-sms");
        String first = staffSends(conversation, "Første besked", false);
        assertEquals("queued", smsState(conversation, first));

        clock.advance(Duration.ofMinutes(14));
        passes(relay, 3);
        assertTrue(sentTo(c.msisdn()).isEmpty(), "no SMS before the delay");

        clock.advance(Duration.ofMinutes(2));
        until(relay, () -> sentTo(c.msisdn()).size() == 1, "the notice after the delay");
        assertEquals("sent", smsState(conversation, first));

        // a second message while the first notice is unanswered: no second notice
        String second = staffSends(conversation, "Anden besked", false);
        clock.advance(Duration.ofMinutes(20));
        until(relay, () -> smsState(conversation, second) == null, "the second notice is covered by the first");
        passes(relay, 3);
        assertEquals(1, sentTo(c.msisdn()).size(), "one notice per window");
    }

    @Test
    void noSmsWhenTheAppHasTheMessageInTime() {
        clock.set(SmsFixture.tomorrowAt(LocalTime.of(11, 0)));
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "app-then-sms");
        String id = staffSends(conversation, "Læs mig i appen", false);
        long seq = SmsFixture.message(c.token(), conversation, id).getLong("seq");
        clock.advance(Duration.ofMinutes(5));
        Api.as(c.token()).body(Map.of("seq", seq)).post("/api/v1/conversations/" + conversation + "/read").then()
                .statusCode(204);

        clock.advance(Duration.ofMinutes(20));
        until(relay, () -> smsState(conversation, id) == null, "the notice is cancelled");
        passes(relay, 3);
        assertTrue(sentTo(c.msisdn()).isEmpty());
    }

    @Test
    void quietHoursHoldNoticesUntilEightAndThenSendOne() {
        clock.set(SmsFixture.tomorrowAt(LocalTime.of(20, 50)));
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "app-then-sms");
        String first = staffSends(conversation, "Sent om aftenen", false);
        clock.advance(Duration.ofMinutes(5));
        String second = staffSends(conversation, "Endnu senere", false);

        clock.advance(Duration.ofMinutes(20)); // 21:15: due, but quiet
        passes(relay, 3);
        clock.set(SmsFixture.tomorrowAt(LocalTime.of(20, 50)).plus(Duration.ofHours(11))); // 07:50
        passes(relay, 3);
        assertTrue(sentTo(c.msisdn()).isEmpty(), "nothing in quiet hours");
        assertEquals("queued", smsState(conversation, first));

        clock.set(SmsFixture.tomorrowAt(LocalTime.of(20, 50)).plus(Duration.ofHours(11).plusMinutes(10)));
        until(relay, () -> sentTo(c.msisdn()).size() == 1 && smsState(conversation, second) == null,
                "one notice at 08:00 for both messages");
        passes(relay, 3);
        assertEquals(1, sentTo(c.msisdn()).size());
        assertEquals("sent", smsState(conversation, first));
        assertNull(smsState(conversation, second));
    }

    @Test
    void quietHoursFollowTheLocalClock() {
        var quiet = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0), SmsFixture.COPENHAGEN);
        var evening = SmsFixture.tomorrowAt(LocalTime.of(21, 0));
        assertEquals(SmsFixture.tomorrowAt(LocalTime.of(8, 0)).plus(Duration.ofDays(1)).atZone(SmsFixture.COPENHAGEN)
                .toLocalTime(), quiet.holdUntil(evening).atZone(SmsFixture.COPENHAGEN).toLocalTime());
        assertNull(quiet.holdUntil(SmsFixture.tomorrowAt(LocalTime.of(8, 0))));
        assertNull(quiet.holdUntil(SmsFixture.tomorrowAt(LocalTime.of(20, 59))));
        assertEquals(SmsFixture.tomorrowAt(LocalTime.of(8, 0)),
                quiet.holdUntil(SmsFixture.tomorrowAt(LocalTime.of(7, 59))));
    }
}

package dk.samtale.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Opening hours in Copenhagen time, and which closed period a moment belongs to. */
class ScheduleTest {

    static final ZoneId CPH = ZoneId.of("Europe/Copenhagen");
    static final Schedule WEEKDAYS = Schedule.parse("Europe/Copenhagen", Map.of(
            "mon", List.of(new Schedule.Span("08:00", "15:30")), "tue", List.of(new Schedule.Span("08:00", "15:30")),
            "fri", List.of(new Schedule.Span("08:00", "12:00"), new Schedule.Span("13:00", "14:00"))));

    static Instant at(String local) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(local), CPH).toInstant();
    }

    @Test
    void isOpenInsideAnIntervalInLocalTime() {
        assertTrue(WEEKDAYS.isOpen(at("2026-11-23T08:00"))); // a Monday
        assertTrue(WEEKDAYS.isOpen(at("2026-11-23T15:29")));
        assertFalse(WEEKDAYS.isOpen(at("2026-11-23T15:30")));
        assertFalse(WEEKDAYS.isOpen(at("2026-11-25T10:00"))); // Wednesday: closed
        assertFalse(WEEKDAYS.isOpen(at("2026-11-27T12:30"))); // Friday lunch
        // summer time: 08:00 in Copenhagen is 06:00 UTC
        assertTrue(WEEKDAYS.isOpen(Instant.parse("2026-06-01T06:00:00Z")));
    }

    @Test
    void aClosedPeriodStartsAtTheLastClosingSoMessagesInItShareOneReply() {
        Instant tuesdayEvening = at("2026-11-24T18:00");
        Instant thursday = at("2026-11-26T09:00");
        assertEquals(at("2026-11-24T15:30"), WEEKDAYS.closedSince(tuesdayEvening));
        assertEquals(WEEKDAYS.closedSince(tuesdayEvening), WEEKDAYS.closedSince(thursday));
        // after the next opening, a new period
        assertNotEquals(WEEKDAYS.closedSince(thursday), WEEKDAYS.closedSince(at("2026-11-27T12:30")));
        assertEquals(at("2026-11-27T12:00"), WEEKDAYS.closedSince(at("2026-11-27T12:30")));
        assertEquals(at("2026-11-27T08:00"), WEEKDAYS.nextOpening(thursday).toInstant());
        assertEquals(at("2026-11-30T08:00"), WEEKDAYS.nextOpening(at("2026-11-27T14:00")).toInstant());
    }

    @Test
    void aScheduleWithNoHoursHasNoOpening() {
        Schedule never = Schedule.parse(null, Map.of());
        assertFalse(never.isOpen(Instant.now()));
        assertNull(never.nextOpening(Instant.now()));
        assertNull(never.closedSince(Instant.now()));
    }
}

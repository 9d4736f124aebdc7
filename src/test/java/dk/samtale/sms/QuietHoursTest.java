package dk.samtale.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

/** Quiet hours in local wall-clock time, across midnight and daylight-saving changes. */
class QuietHoursTest {

    private static final QuietHours NIGHT = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0),
            ZoneId.of("Europe/Copenhagen"));

    @Test
    void heldFromNineInTheEveningUntilEightInTheMorning() {
        // 2026-06-10 is summer time (UTC+2)
        assertNull(NIGHT.holdUntil(Instant.parse("2026-06-10T18:59:59Z"))); // 20:59:59 local
        assertEquals(Instant.parse("2026-06-11T06:00:00Z"), NIGHT.holdUntil(Instant.parse("2026-06-10T19:00:00Z")));
        assertEquals(Instant.parse("2026-06-11T06:00:00Z"), NIGHT.holdUntil(Instant.parse("2026-06-11T05:59:00Z")));
        assertNull(NIGHT.holdUntil(Instant.parse("2026-06-11T06:00:00Z"))); // 08:00 local
    }

    @Test
    void eightOClockIsOnTheWallClockAcrossDaylightSavingChanges() {
        // the night of 28-29 March 2026 summer time starts: 08:00 on the 29th is 06:00 UTC, not 07:00
        assertEquals(Instant.parse("2026-03-29T06:00:00Z"), NIGHT.holdUntil(Instant.parse("2026-03-28T21:00:00Z")));
        // the night of 24-25 October 2026 it ends: 08:00 on the 25th is 07:00 UTC
        assertEquals(Instant.parse("2026-10-25T07:00:00Z"), NIGHT.holdUntil(Instant.parse("2026-10-24T20:00:00Z")));
    }

    @Test
    void equalStartAndEndMeanNoQuietHoursAndDaytimeWindowsWork() {
        var none = new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, ZoneId.of("Europe/Copenhagen"));
        assertNull(none.holdUntil(Instant.parse("2026-06-10T23:00:00Z")));
        var lunch = new QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 0), ZoneId.of("UTC"));
        assertEquals(Instant.parse("2026-06-10T13:00:00Z"), lunch.holdUntil(Instant.parse("2026-06-10T12:30:00Z")));
        assertNull(lunch.holdUntil(Instant.parse("2026-06-10T13:00:00Z")));
    }
}

package dk.samtale.sms;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A tenant's nightly pause for SMS, in local time (e.g. 21:00–08:00 Europe/Copenhagen, across
 * midnight). Daylight saving is handled by the zone rules: 08:00 is 08:00 on the wall clock.
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    /** Null when {@code at} is outside quiet hours; otherwise the instant they end. */
    public Instant holdUntil(Instant at) {
        if (start.equals(end)) {
            return null; // no quiet hours
        }
        ZonedDateTime local = at.atZone(zone);
        LocalTime t = local.toLocalTime();
        boolean acrossMidnight = start.isAfter(end);
        boolean quiet = acrossMidnight ? !t.isBefore(start) || t.isBefore(end) : !t.isBefore(start) && t.isBefore(end);
        if (!quiet) {
            return null;
        }
        ZonedDateTime endToday = local.toLocalDate().atTime(end).atZone(zone);
        return (t.isBefore(end) ? endToday : endToday.plusDays(1)).toInstant();
    }
}

package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class Uuid7Test {

    @Test
    void carriesVersion7TheVariantAndTheMillisecondsAndSortsByTime() {
        Instant t = Instant.parse("2026-11-23T10:15:30.123Z");
        UUID id = Uuid7.next(Clock.fixed(t, ZoneOffset.UTC));
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(t.toEpochMilli(), id.getMostSignificantBits() >>> 16);
        UUID later = Uuid7.next(Clock.fixed(t.plusMillis(1), ZoneOffset.UTC));
        assertTrue(id.toString().compareTo(later.toString()) < 0);
        Set<UUID> many = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(Uuid7.next(Clock.fixed(t, ZoneOffset.UTC)));
        }
        assertEquals(10_000, many.size(), "random bits keep ids of the same millisecond apart");
    }
}

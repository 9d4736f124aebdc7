package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(10));

    @Test
    void doublesPerAttemptWithHalfOfItRandom() {
        assertEquals(Duration.ofSeconds(1), backoff.delay(1, null, bound -> 0));
        assertEquals(Duration.ofSeconds(2), backoff.delay(1, null, bound -> bound));
        assertEquals(Duration.ofSeconds(4), backoff.delay(3, null, bound -> 0));
        assertEquals(Duration.ofSeconds(8), backoff.delay(3, null, bound -> bound));
        for (int i = 0; i < 100; i++) {
            Duration d = backoff.delay(2, null,
                    bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
            assertTrue(d.toMillis() >= 2000 && d.toMillis() <= 4000, d.toString());
        }
    }

    @Test
    void neverSoonerThanRetryAfterAndNeverLongerThanTheMaximum() {
        assertEquals(Duration.ofSeconds(30), backoff.delay(1, Duration.ofSeconds(30), bound -> bound));
        assertEquals(Duration.ofSeconds(2), backoff.delay(1, Duration.ofSeconds(1), bound -> bound));
        assertEquals(Duration.ofMinutes(10), backoff.delay(1, Duration.ofHours(2), bound -> 0));
        assertEquals(Duration.ofMinutes(10), backoff.delay(40, null, bound -> bound));
    }
}

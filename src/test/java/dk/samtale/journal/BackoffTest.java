package dk.samtale.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void theDelayGrowsExponentiallyIsJitteredAndCapped() {
        Random random = new Random(1);
        for (int attempt = 1; attempt <= 12; attempt++) {
            long ceiling = Math.min(600_000, 2_000L << (attempt - 1));
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                long d = JournalRelay.backoff(attempt, 2_000, 600_000, random);
                assertTrue(d >= 1_000 && d <= ceiling, "attempt " + attempt + ": " + d);
                seen.add(d);
            }
            assertTrue(seen.size() > 50, "jittered, not one fixed delay");
        }
        // far past the cap: never more than the cap, and spread up to it
        long most = 0;
        for (int i = 0; i < 1000; i++) {
            long d = JournalRelay.backoff(40, 2_000, 600_000, random);
            assertTrue(d <= 600_000);
            most = Math.max(most, d);
        }
        assertTrue(most > 590_000, "reaches the cap: " + most);
        long d = JournalRelay.backoff(1, 1_000, 1_000, random);
        assertTrue(d >= 500 && d <= 1_000, "base equal to cap: between half the base and the cap: " + d);
    }
}

package dk.samtale.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waits for something the service does after the request returns (a journal entry, a deletion). */
public final class Waiting {

    private Waiting() {
    }

    /** Polls every 100 ms for up to 20 s; fails naming {@code what} when it never holds. */
    public static void until(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail("timed out waiting for " + what);
    }
}

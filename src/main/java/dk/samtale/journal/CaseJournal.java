package dk.samtale.journal;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * A case system that wants journal entries delivered (pushed) rather than pulling them.
 *
 * <p>
 * Contract: {@link #deliver} sends one entry and reports the outcome as a value, never an exception.
 * The same entry may be delivered more than once (after a crash or a lost answer); it always carries
 * the same idempotency key (the entry id), so the receiver can make it exactly-once. It blocks: call
 * it on a worker thread.
 */
public interface CaseJournal {

    sealed interface Outcome {
        /** The case system has the entry. */
        record Delivered(int status) implements Outcome {
        }

        /** Try again later; {@code retryAfter} is the receiver's wish (Retry-After) or null. */
        record Retry(Integer status, Duration retryAfter, String reason) implements Outcome {
        }

        /** The receiver refuses the entry for good (a 4xx other than 408/425/429): a dead letter now. */
        record Rejected(int status, String reason) implements Outcome {
        }
    }

    Outcome deliver(URI endpoint, UUID idempotencyKey, String entryJson);
}

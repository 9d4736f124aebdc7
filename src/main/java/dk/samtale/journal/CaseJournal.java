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

    /**
     * Where a tenant's entries go and how the service proves who it is there.
     *
     * @param tenant the tenant's slug: it names the tenant's credential files (configuration, never the API)
     */
    record Endpoint(String tenant, URI url, Auth auth) {
    }

    /** How the service authenticates to a case system. */
    sealed interface Auth {

        /** No authentication: only with {@code samtale.journal.push.allow-insecure} (local tests). */
        record None() implements Auth {
        }

        /** OAuth 2.0 client credentials (RFC 6749 4.4); the secret is in the tenant's mounted file. */
        record ClientCredentials(URI tokenUrl, String clientId, String scope) implements Auth {
        }

        /** Mutual TLS with the tenant's client certificate and key (mounted files). */
        record MutualTls() implements Auth {
        }
    }

    Outcome deliver(Endpoint endpoint, UUID idempotencyKey, String entryJson);
}

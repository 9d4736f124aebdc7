package dk.samtale.journal;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The case journal: signing key, sequencing and the push relay. */
@ConfigMapping(prefix = "samtale.journal")
public interface JournalConfig {

    /**
     * File with the service's Ed25519 signing key (PKCS#8 PEM), a mounted Kubernetes Secret in
     * production. Case systems verify entries with its public key ({@code GET /api/v1/journal/signing-key}).
     */
    String signingKeyFile();

    /** Create the signing key file if it is missing (demo and tests only; production must provide it). */
    @WithDefault("false")
    boolean generateSigningKey();

    /** Outbox rows the sequencer turns into entries per transaction. */
    @WithDefault("500")
    int batchSize();

    /**
     * How often every replica looks for outbox rows it was not woken for (a message committed on a
     * replica that died before its notification went out). Commits normally wake the sequencer at once.
     */
    @WithDefault("2s")
    Duration pollInterval();

    /**
     * How long a wake waits before sequencing, so that the messages committed meanwhile share one
     * transaction (one durable commit for many entries instead of one each).
     */
    @WithDefault("20ms")
    Duration coalesce();

    Push push();

    /** The push relay (per-tenant endpoints are set through the admin API, table journal_settings). */
    interface Push {

        /** Whether this replica runs the push relay at all. */
        @WithDefault("true")
        boolean enabled();

        /** How often the relay looks for due deliveries when not woken. */
        @WithDefault("1s")
        Duration interval();

        /** Deliveries leased per round. */
        @WithDefault("50")
        int batchSize();

        /** How long a leased delivery is this relay's; after that (the relay died) it is due again. */
        @WithDefault("30s")
        Duration lease();

        /** Attempts before a delivery becomes a dead letter (an admin replays it). */
        @WithDefault("8")
        int maxAttempts();

        /** First retry delay; doubles per attempt (with full jitter), capped at {@link #maxBackoff()}. */
        @WithDefault("2s")
        Duration baseBackoff();

        @WithDefault("10m")
        Duration maxBackoff();

        /** Timeout of one POST to a case system. */
        @WithDefault("10s")
        Duration requestTimeout();
    }
}

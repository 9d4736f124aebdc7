package dk.samtale.journal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

        /**
         * Allow plain {@code http://} push and token URLs and push without authentication. For local tests
         * and demos only: a case system on the network wants OAuth 2.0 client credentials or mutual TLS.
         */
        @WithDefault("false")
        boolean allowInsecure();

        /**
         * Address ranges (CIDR) a push or token URL may resolve to although they are loopback, link-local or
         * private (e.g. an integration platform on the municipality's own network).
         */
        Optional<List<String>> allowedNetworks();

        /** Further ranges (CIDR) never to connect to: the cluster's own pod and service ranges if public. */
        Optional<List<String>> blockedNetworks();

        /** An access token is used until this long before it expires, then fetched anew. */
        @WithDefault("30s")
        Duration tokenRenewBefore();

        /**
         * After a failed token request, no new one for this long, doubling per failure up to
         * {@link #maxBackoff()}: a token endpoint that is down is not hammered once per entry.
         */
        @WithDefault("5s")
        Duration tokenBackoff();

        /**
         * Per tenant (by slug): the files (mounted Kubernetes Secrets) holding its credentials towards its
         * case system. The non-secret parts (token URL, client id, scope) are set by the tenant's admin;
         * secrets never go through the API or the database.
         */
        Map<String, Credentials> tenants();
    }

    /** Files with one tenant's credentials; read when used, so a rotated Secret takes effect. */
    interface Credentials {

        /** OAuth 2.0 client secret (client credentials grant, sent as HTTP Basic to the token endpoint). */
        Optional<String> clientSecretFile();

        /** Mutual TLS: the client certificate chain, PEM. */
        Optional<String> clientCertificateFile();

        /** Mutual TLS: the client's private key, PKCS#8 PEM. */
        Optional<String> clientKeyFile();

        /** CA certificates (PEM) to trust for the case system instead of the JVM's trust store. */
        Optional<String> trustFile();
    }
}

package dk.samtale.crypto;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the key-encryption key comes from. Its value never appears in configuration. */
@ConfigMapping(prefix = "samtale.crypto")
public interface CryptoConfig {

    /**
     * File with the current key-encryption key: 32 random bytes, base64 (a mounted Kubernetes Secret
     * in production, e.g. /var/run/secrets/samtale/kek).
     */
    String kekFile();

    /** Earlier KEK files, still able to unwrap data keys until they are re-wrapped. */
    Optional<List<String>> previousKekFiles();

    /** Create the KEK file if it is missing (demo and tests only; production must provide it). */
    @WithDefault("false")
    boolean generateKek();

    ConversationKeysConfig conversationKeys();

    /** Each conversation's own key (kept in the key vault). */
    interface ConversationKeysConfig {

        /**
         * How many unwrapped conversation keys a replica holds in memory (32 bytes each, about 200 with the
         * cache's own): the conversations being written in, so a message costs no round trip to the vault.
         */
        @WithDefault("20000")
        int cacheSize();

        /** A key not used for this long leaves the memory (it is read again from the vault when needed). */
        @WithDefault("15m")
        java.time.Duration cacheIdle();

        /** How often keys of deleted conversations are looked for and destroyed in the vault. */
        @WithDefault("10s")
        java.time.Duration shredInterval();
    }
}

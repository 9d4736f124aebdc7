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
}

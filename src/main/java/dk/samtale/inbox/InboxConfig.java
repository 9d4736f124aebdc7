package dk.samtale.inbox;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The staff web inbox: how it signs in, and the office-hours auto reply. */
@ConfigMapping(prefix = "samtale.inbox")
public interface InboxConfig {

    /** Sign-in against the staff identity provider (OIDC authorization code + PKCE in the browser). */
    Oidc oidc();

    /** Renew the access token this many seconds before it expires (and reconnect the socket with it). */
    @WithDefault("60")
    int renewBeforeSeconds();

    /** The automatic reply outside office hours when a unit has set none; {next} is the next opening. */
    @WithDefault("Tak for din besked. Vi har lukket lige nu og svarer dig, når vi har åbent igen ({next}).")
    String defaultAutoReply();

    interface Oidc {
        /** The staff IdP's issuer URL (its /.well-known/openid-configuration is read by the browser). */
        Optional<String> issuer();

        /** The inbox's public client id at the IdP (a public client: PKCE, no secret). */
        Optional<String> clientId();

        @WithDefault("openid profile offline_access")
        String scope();
    }
}

package dk.samtale.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Which token issuers the service trusts, and how to read their tokens. Changing an identity provider
 * is a change here, never in code.
 *
 * <pre>
 * samtale.identity.issuers.mitid.issuer=https://broker.example.dk
 * samtale.identity.issuers.mitid.kind=citizen
 * samtale.identity.issuers.mitid.tenant=varde
 * samtale.identity.issuers.mitid.jwks=https://broker.example.dk/jwks
 * </pre>
 */
@ConfigMapping(prefix = "samtale.identity")
public interface IdentityConfig {

    /** Trusted issuers by a name of your choosing. */
    Map<String, Issuer> issuers();

    interface Issuer {
        /** The exact {@code iss} claim of this issuer's tokens. */
        String issuer();

        /** Who this issuer vouches for: citizen, staff or service. */
        CallerKind kind();

        /** Slug of the tenant (municipality) whose users this issuer vouches for. */
        String tenant();

        /** Verification keys: a JWKS or PEM file path, or an https URL of a JWKS (refreshed). */
        String jwks();

        /** Required {@code aud}; unset means the audience is not checked. */
        Optional<String> audience();

        /** Accepted signature algorithms. {@code none} is never accepted. */
        @WithDefault("RS256,ES256,PS256")
        List<String> algorithms();

        /** Claim with the citizen's CPR number (citizen issuers). */
        @WithDefault("dk.cpr")
        String cprClaim();

        /** Claim with the NSIS assurance level (citizen issuers). */
        @WithDefault("loa")
        String loaClaim();

        /** Assurance levels accepted for citizens: NSIS Substantial or higher. */
        @WithDefault("https://data.gov.dk/concept/core/nsis/Substantial,https://data.gov.dk/concept/core/nsis/High")
        List<String> acceptedLoa();

        /** Claim with the display name. */
        @WithDefault("name")
        String nameClaim();

        /** Claims whose values are unit memberships (staff) or roles (service clients). */
        @WithDefault("groups,roles")
        List<String> groupClaims();
    }
}

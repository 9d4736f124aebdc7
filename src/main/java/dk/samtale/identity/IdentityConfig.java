package dk.samtale.identity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Which token issuers the service trusts, and how to read their tokens. Changing an identity provider
 * is a change here, never in code. {@link IssuerRules} checks it at start: a configuration that could
 * let one token match two entries refuses to start.
 *
 * <pre>
 * samtale.identity.issuers.mitid.issuer=https://broker.example.dk
 * samtale.identity.issuers.mitid.kind=citizen
 * samtale.identity.issuers.mitid.tenant-claim=municipality_code     # a broker shared by municipalities
 * samtale.identity.issuers.staff.issuer=https://login.microsoftonline.com/…/v2.0   # keys by discovery
 * samtale.identity.issuers.staff.kind=staff
 * samtale.identity.issuers.staff.tenant=varde
 * samtale.identity.issuers.staff.service-clients=sbsys-prod          # the case system, same issuer
 * </pre>
 */
@ConfigMapping(prefix = "samtale.identity")
public interface IdentityConfig {

    /** Trusted issuers by a name of your choosing. */
    Map<String, Issuer> issuers();

    /** Resolved callers kept in memory (one entry per token, never longer than the token lives). */
    Callers callers();

    interface Callers {
        /** How many tokens' callers are kept at most. */
        @WithDefault("10000")
        long maxSize();

        /** How long a resolved caller is kept at most (and never past its token's expiry). */
        @WithDefault("PT5M")
        Duration ttl();
    }

    interface Issuer {
        /** The exact {@code iss} claim of this issuer's tokens. */
        String issuer();

        /**
         * Who this issuer vouches for: citizen, staff or service. Tokens of a service client (see
         * {@link #serviceClients()}, {@link #appTokensAreServices()}, {@link #serviceRoles()}) are service
         * callers whatever this says, so caseworkers and the case system can share one issuer.
         */
        CallerKind kind();

        /** Slug of the tenant (municipality) this issuer's users belong to. Exactly one of this and tenant-claim. */
        Optional<String> tenant();

        /**
         * For an issuer shared by several municipalities: the claim holding the municipality code
         * (tenant.municipality_code) of the caller's tenant.
         */
        Optional<String> tenantClaim();

        /**
         * Verification keys: a JWKS or PEM file path, or an http(s) URL of a JWKS. Unset: found by OIDC
         * discovery ({@code <issuer>/.well-known/openid-configuration}, its {@code jwks_uri}).
         */
        Optional<String> jwks();

        /** Required {@code aud}; unset means the audience is not checked. */
        Optional<String> audience();

        /**
         * Only tokens of these clients ({@code azp}, {@code client_id} or {@code appid}) match this entry;
         * unset means any client. Lets two entries share an {@code iss} (e.g. one inbox client per
         * municipality on a shared IdP).
         */
        Optional<List<String>> clients();

        /** Clients ({@code azp}/{@code client_id}/{@code appid}) whose tokens are service callers. */
        Optional<List<String>> serviceClients();

        /** Whether a token with {@code idtyp=app} (Entra ID's app-only tokens) is a service caller. */
        @WithDefault("true")
        boolean appTokensAreServices();

        /** Roles (values of the group claims) that make a token a service caller, e.g. journal-reader. */
        Optional<List<String>> serviceRoles();

        /**
         * Values of the group claims that make a staff member their tenant's data protection officer (role
         * {@code dpo}: reads the access log, produces a citizen's insight report by CPR). An IdP that names
         * groups by GUID lists that GUID here.
         */
        @WithDefault("dpo")
        List<String> dpoGroups();

        /**
         * Whether this issuer's service tokens may carry the {@code platform-admin} role (the operators
         * who create tenants and units). Only the operators' own issuer should say true; such an issuer
         * may have no tenant.
         */
        @WithDefault("false")
        boolean platformOperators();

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

        /**
         * At most one key-set refresh per this interval when a token names a key id that is not known (a
         * rotated key): rotation is picked up without a restart, and junk key ids cannot hammer the IdP.
         */
        @WithDefault("PT30S")
        Duration keyRefreshInterval();
    }
}

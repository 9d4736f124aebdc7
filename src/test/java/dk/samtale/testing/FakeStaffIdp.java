package dk.samtale.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * The municipality's identity provider, faked with WireMock on localhost, the way Keycloak or Entra ID
 * serve it: OIDC discovery with a {@code jwks_uri}, a key set that {@link #rotate()} rotates, an
 * authorization endpoint that sends the browser straight back with a code (the user "logs in" at once)
 * and a token endpoint the tests stub per flow. Two realms: {@code staff} (caseworkers, and the case
 * system's client-credentials tokens from the same issuer) and {@code mitid} (a citizen broker). Both
 * are shared by several municipalities: the tenant comes from the {@code municipality_code} claim. The
 * service trusts them by discovery only (no key file), and the inbox runs the real authorization code
 * + PKCE flow against the staff realm.
 */
public class FakeStaffIdp implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_ID = "samtale-inbox";
    public static final String REALM = "/realms/staff";
    public static final String CITIZEN_REALM = "/realms/mitid";
    /** The case system's client id: its tokens come from the staff issuer and are service tokens. */
    public static final String CASE_SYSTEM_CLIENT = "case-system";
    public static final String CERTS = "/protocol/openid-connect/certs";
    private static WireMockServer server;
    private static final Map<String, List<Signer>> KEYS = new HashMap<>();

    private record Signer(String kid, KeyPair pair) {
    }

    public static WireMockServer server() {
        return server;
    }

    public static String issuer() {
        return "http://localhost:" + server.port() + REALM;
    }

    public static String citizenIssuer() {
        return "http://localhost:" + server.port() + CITIZEN_REALM;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").templatingEnabled(true)
                .globalTemplating(true));
        server.start();
        for (String realm : List.of(REALM, CITIZEN_REALM)) {
            String base = "http://localhost:" + server.port() + realm;
            server.stubFor(get(urlPathEqualTo(realm + "/.well-known/openid-configuration"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json")
                            .withHeader("Access-Control-Allow-Origin", "*")
                            .withBody("{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base
                                    + "/protocol/openid-connect/auth\",\"token_endpoint\":\"" + base
                                    + "/protocol/openid-connect/token\",\"jwks_uri\":\"" + base + CERTS
                                    + "\",\"code_challenge_methods_supported\":[\"S256\"]}")));
            KEYS.put(realm, new ArrayList<>());
            rotate(realm);
        }
        // "logged in" at once: back to the inbox with a code and the state it was given
        server.stubFor(get(urlPathEqualTo(REALM + "/protocol/openid-connect/auth"))
                .willReturn(aResponse().withStatus(302).withHeader("Location",
                        "{{request.query.redirect_uri}}?code=code-{{randomValue length=12 type='ALPHANUMERIC'}}"
                                + "&state={{urlEncode request.query.state}}")));
        Map<String, String> config = new HashMap<>();
        config.put("samtale.inbox.oidc.issuer", issuer());
        config.put("samtale.inbox.oidc.client-id", CLIENT_ID);
        trust(config, "fake-staff", issuer(), "staff");
        config.put("samtale.identity.issuers.fake-staff.service-clients", CASE_SYSTEM_CLIENT);
        trust(config, "fake-mitid", citizenIssuer(), "citizen");
        return config;
    }

    private static void trust(Map<String, String> config, String name, String issuer, String kind) {
        String prefix = "samtale.identity.issuers." + name + ".";
        config.put(prefix + "issuer", issuer);
        config.put(prefix + "kind", kind);
        config.put(prefix + "tenant-claim", "municipality_code");
        config.put(prefix + "audience", TestIdentity.AUDIENCE);
        config.put(prefix + "key-refresh-interval", "PT5S");
    }

    /** The staff realm gets a new signing key; its key set serves the new key and the previous one. */
    public static String rotate() {
        return rotate(REALM);
    }

    private static synchronized String rotate(String realm) {
        List<Signer> keys = KEYS.get(realm);
        keys.add(0, new Signer("k-" + UUID.randomUUID().toString().substring(0, 8), rsa()));
        while (keys.size() > 2) {
            keys.remove(keys.size() - 1);
        }
        List<RsaJsonWebKey> jwks = new ArrayList<>();
        for (Signer s : keys) {
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) s.pair().getPublic());
            jwk.setKeyId(s.kid());
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            jwks.add(jwk);
        }
        MappingBuilder certs = get(urlPathEqualTo(realm + CERTS));
        server.stubFor(certs.willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(new JsonWebKeySet(jwks.toArray(RsaJsonWebKey[]::new)).toJson())));
        return keys.get(0).kid();
    }

    /** How many times the service fetched the staff realm's key set. */
    public static int keySetFetches() {
        return server.countRequestsMatching(getRequestedFor(urlPathEqualTo(REALM + CERTS)).build()).getCount();
    }

    /** A caseworker's access token, as the staff realm issues it to the inbox. */
    public static String staffToken(String municipalityCode, String subject, String name, String... groups) {
        return sign(REALM, claims(issuer(), municipalityCode, subject).claim("azp", CLIENT_ID).claim("name", name)
                .groups(Set.of(groups)), null);
    }

    /**
     * A client-credentials token from the same issuer as the caseworkers' (Keycloak's service account):
     * no name, roles in groups, the client in azp.
     */
    public static String clientCredentialsToken(String municipalityCode, String clientId, String... roles) {
        return sign(REALM, claims(issuer(), municipalityCode, "service-account-" + clientId).claim("azp", clientId)
                .groups(Set.of(roles)), null);
    }

    /** An Entra ID style app-only token: {@code idtyp=app}, the client in {@code appid}. */
    public static String appOnlyToken(String municipalityCode, String appId, String... roles) {
        return sign(REALM, claims(issuer(), municipalityCode, appId).claim("appid", appId).claim("idtyp", "app")
                .claim("roles", List.of(roles)), null);
    }

    /** A staff-realm token signed with the current key but naming another key id. */
    public static String staffTokenWithKeyId(String kid, String municipalityCode) {
        return sign(REALM, claims(issuer(), municipalityCode, "x").claim("name", "X"), kid);
    }

    /** A citizen's token from the broker realm, at NSIS Substantial. */
    public static String citizenToken(String municipalityCode, String cpr, String name) {
        return sign(CITIZEN_REALM, claims(citizenIssuer(), municipalityCode, UUID.randomUUID().toString())
                .claim("dk.cpr", cpr).claim("loa", Tokens.SUBSTANTIAL).claim("name", name), null);
    }

    private static JwtClaimsBuilder claims(String issuer, String municipalityCode, String subject) {
        JwtClaimsBuilder b = Jwt.issuer(issuer).subject(subject).audience(TestIdentity.AUDIENCE)
                .issuedAt(Instant.now()).expiresIn(Duration.ofHours(1));
        return municipalityCode == null ? b : b.claim("municipality_code", municipalityCode);
    }

    private static synchronized String sign(String realm, JwtClaimsBuilder claims, String kid) {
        Signer current = KEYS.get(realm).get(0);
        return claims.jws().keyId(kid == null ? current.kid() : kid).sign(current.pair().getPrivate());
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}

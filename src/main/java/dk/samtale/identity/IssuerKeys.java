package dk.samtale.identity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One issuer's verification keys: from a JWKS or PEM file, a JWKS URL, or found by OIDC discovery
 * ({@code <issuer>/.well-known/openid-configuration} → {@code jwks_uri}). Loaded on first use, so the
 * service starts while an IdP is down. A token naming a key id not in the set (the IdP rotated its
 * keys) causes one reload, at most one per {@code refreshInterval} whatever the tokens say, so rotation
 * needs no restart and junk key ids cannot make us hammer the IdP. Blocking: call on a worker thread.
 */
final class IssuerKeys {

    private static final Logger LOG = Logger.getLogger(IssuerKeys.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A verification key and its id (null for a PEM key). */
    record Key(String kid, PublicKey key) {
    }

    private final String name;
    private final String issuer;
    private final Optional<String> location;
    private final Duration refreshInterval;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;

    private volatile List<Key> keys;
    private volatile Instant loadedAt = Instant.MIN;
    private volatile int loads;

    IssuerKeys(String name, String issuer, Optional<String> location, Duration refreshInterval, HttpClient http,
            ObjectMapper json, Clock clock) {
        this.name = name;
        this.issuer = issuer;
        this.location = location;
        this.refreshInterval = refreshInterval;
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    /**
     * The keys that may have signed a token with this key id (all keys when the token names none).
     * Empty when the key id is unknown even after a refresh.
     *
     * @throws IllegalStateException when no key set could be loaded at all
     */
    List<Key> candidates(String kid) {
        List<Key> current = keys;
        if (current == null) {
            current = reload(true);
        }
        List<Key> found = match(current, kid);
        if (found.isEmpty() && kid != null) {
            found = match(reload(false), kid);
        }
        return found;
    }

    /** How many times the key set was (re)loaded: for tests and the log. */
    int loads() {
        return loads;
    }

    private static List<Key> match(List<Key> keys, String kid) {
        if (keys == null) {
            return List.of();
        }
        if (kid == null) {
            return keys;
        }
        return keys.stream().filter(k -> kid.equals(k.kid())).toList();
    }

    private synchronized List<Key> reload(boolean first) {
        Instant now = clock.instant();
        if (first && keys != null) {
            return keys; // another thread loaded them meanwhile
        }
        if (loadedAt.plus(refreshInterval).isAfter(now)) {
            // the last attempt was too recent: an unknown key id (or a down IdP) costs no request
            if (keys == null) {
                throw new IllegalStateException("no keys for issuer " + name);
            }
            return keys;
        }
        loadedAt = now;
        try {
            List<Key> loaded = load();
            loads++;
            if (keys != null) {
                LOG.infof("Issuer %s: key set reloaded (%d keys)", name, loaded.size());
            }
            keys = loaded;
        } catch (Exception e) {
            // keep the keys we have; the reason names no token
            LOG.warnf("Issuer %s: key set could not be loaded from %s (%s: %s)", name,
                    location.orElse("discovery"), e.getClass().getSimpleName(), e.getMessage());
            if (keys == null) {
                throw new IllegalStateException("no keys for issuer " + name, e);
            }
        }
        return keys;
    }

    private List<Key> load() throws Exception {
        String where = location.isPresent() ? location.get() : discover();
        String text = isUrl(where) ? get(where) : Files.readString(Path.of(where));
        if (text.contains("-----BEGIN PUBLIC KEY-----")) {
            return List.of(new Key(null, pem(text)));
        }
        List<Key> out = new ArrayList<>();
        for (JsonWebKey jwk : new JsonWebKeySet(text).getJsonWebKeys()) {
            if (jwk instanceof PublicJsonWebKey pub && !"enc".equals(jwk.getUse())) {
                out.add(new Key(jwk.getKeyId(), pub.getPublicKey()));
            }
        }
        return List.copyOf(out);
    }

    private String discover() throws IOException, InterruptedException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        JsonNode doc = json.readTree(get(base + "/.well-known/openid-configuration"));
        JsonNode iss = doc.get("issuer");
        if (iss == null || !issuer.equals(iss.asText())) {
            // RFC 8414 §3.3: a discovery document for another issuer must not be used
            throw new IOException("discovery document names another issuer");
        }
        JsonNode uri = doc.get("jwks_uri");
        if (uri == null || !isUrl(uri.asText())) {
            throw new IOException("discovery document has no jwks_uri");
        }
        return uri.asText();
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode());
        }
        return r.body();
    }

    private static boolean isUrl(String s) {
        return s.startsWith("https://") || s.startsWith("http://");
    }

    private static PublicKey pem(String text) throws Exception {
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(b64));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (java.security.spec.InvalidKeySpecException e) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}

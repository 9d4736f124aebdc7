package dk.samtale.journal.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dk.samtale.journal.CaseJournal;

/**
 * OAuth 2.0 client-credentials tokens (RFC 6749 section 4.4) per tenant: fetched once, reused until
 * {@code renewBefore} before they expire, fetched anew when the case system answers 401. A failed token
 * request closes the door for a backoff that doubles per failure (capped), so a token endpoint that is
 * down gets one request per backoff, not one per entry.
 *
 * <p>
 * Written on the push adapter's HTTP client rather than with {@code quarkus-oidc-client}: the token
 * endpoint must pass the same connect-time address check (SSRF) as the case system, tenants and their
 * token URLs are added at run time by admins (not named clients in configuration), and the policy that
 * matters here (refresh once on 401, back off when down) is ours either way. The token request itself is
 * the twenty lines below.
 */
final class AccessTokens {

    /** No token to be had now; try again after {@code retryAfter}. */
    static final class Unavailable extends Exception {
        final Duration retryAfter;

        Unavailable(String reason, Duration retryAfter) {
            super(reason, null, false, false);
            this.retryAfter = retryAfter;
        }
    }

    private record Key(String tenant, URI tokenUrl, String clientId, String scope) {
    }

    private record Token(String value, Instant renewAt) {
        @Override
        public String toString() {
            return "Token[REDACTED, renewAt=" + renewAt + "]";
        }
    }

    private record Failures(int count, Instant until) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CloseableHttpClient http;
    private final Clock clock;
    private final Duration renewBefore;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final Map<Key, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Key, Failures> failures = new ConcurrentHashMap<>();

    AccessTokens(CloseableHttpClient http, Clock clock, Duration renewBefore, Duration backoff, Duration maxBackoff) {
        this.http = http;
        this.clock = clock;
        this.renewBefore = renewBefore;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
    }

    /** A token for the tenant's case system; {@code fresh} skips the cached one (it was refused). */
    String token(String tenant, CaseJournal.Auth.ClientCredentials cc, TenantFiles files, boolean fresh)
            throws Unavailable {
        Key key = new Key(tenant, cc.tokenUrl(), cc.clientId(), cc.scope());
        Instant now = clock.instant();
        Token cached = tokens.get(key);
        if (!fresh && cached != null && now.isBefore(cached.renewAt())) {
            return cached.value();
        }
        Failures f = failures.get(key);
        if (f != null && now.isBefore(f.until())) {
            throw new Unavailable("token endpoint backing off", Duration.between(now, f.until()));
        }
        try {
            Token t = fetch(cc, files, now);
            tokens.put(key, t);
            failures.remove(key);
            return t.value();
        } catch (IOException | RuntimeException e) {
            tokens.remove(key);
            int count = f == null ? 1 : f.count() + 1;
            long millis = Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(count - 1, 20));
            Instant until = now.plusMillis(millis);
            failures.put(key, new Failures(count, until));
            throw new Unavailable("token endpoint: " + e.getMessage(), Duration.ofMillis(millis));
        }
    }

    /** Drops a cached token the case system refused. */
    void invalidate(String tenant, CaseJournal.Auth.ClientCredentials cc) {
        tokens.remove(new Key(tenant, cc.tokenUrl(), cc.clientId(), cc.scope()));
    }

    private Token fetch(CaseJournal.Auth.ClientCredentials cc, TenantFiles files, Instant now) throws IOException {
        if (files == null) {
            throw new IOException("no client secret file configured");
        }
        String secret = files.clientSecretValue();
        // client_secret_basic: id and secret form-encoded, then Basic (RFC 6749 section 2.3.1)
        String basic = Base64.getEncoder()
                .encodeToString((form(cc.clientId()) + ":" + form(secret)).getBytes(StandardCharsets.UTF_8));
        String body = "grant_type=client_credentials" + (cc.scope() == null ? "" : "&scope=" + form(cc.scope()));
        HttpPost post = new HttpPost(cc.tokenUrl());
        post.setHeader("Authorization", "Basic " + basic);
        post.setHeader("Accept", "application/json");
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_FORM_URLENCODED));
        return http.execute(post, response -> {
            int status = response.getCode();
            String text = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
            if (status != 200) {
                // the body may echo the client id, never the secret; still, only the status goes on
                throw new IOException("HTTP " + status);
            }
            JsonNode json;
            try {
                json = JSON.readTree(text);
            } catch (IOException e) {
                throw new IOException("not a JSON token response");
            }
            String token = json.path("access_token").asText(null);
            if (token == null || token.isBlank()) {
                throw new IOException("no access_token in the response");
            }
            // RFC 6749 5.1: expires_in is recommended, not required; without it, keep the token briefly
            long expiresIn = json.path("expires_in").asLong(60);
            Duration keep = Duration.ofSeconds(expiresIn).minus(renewBefore);
            if (keep.isNegative() || keep.isZero()) {
                keep = Duration.ofSeconds(expiresIn).dividedBy(2);
            }
            return new Token(token, now.plus(keep));
        });
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package dk.samtale.journal.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.jboss.logging.Logger;

import dk.samtale.journal.CaseJournal;
import dk.samtale.journal.EndpointPolicy;

/**
 * {@link CaseJournal} over HTTP (Apache HttpClient 5): {@code POST <endpoint>} with the entry as JSON and
 * its id in the {@code Idempotency-Key} header, authenticated per tenant by an OAuth 2.0 client-credentials
 * bearer token or by mutual TLS. 2xx is delivered; 408, 425, 429 and 5xx (and network failures) are retried,
 * honouring {@code Retry-After} (seconds or an HTTP date); any other status is a rejection. A 401 with a
 * cached token fetches a fresh one and tries once more.
 *
 * <p>
 * Every connection, to the case system and to the token endpoint, resolves its host through
 * {@link EndpointPolicy#resolve}: a name that now points into the service's own network is refused at
 * connect time (DNS rebinding), not only when the admin set it. Redirects are not followed (a redirect
 * is a way around that check).
 */
public class HttpCaseJournal implements CaseJournal, AutoCloseable {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Logger LOG = Logger.getLogger(HttpCaseJournal.class);

    private final EndpointPolicy policy;
    private final Map<String, TenantFiles> files;
    private final Duration timeout;
    private final Clock clock;
    private final CloseableHttpClient plain;
    private final AccessTokens tokens;
    /** Per tenant, by the version of its mounted files: a client presenting the tenant's certificate. */
    private final Map<String, TlsClient> tlsClients = new ConcurrentHashMap<>();

    private record TlsClient(String version, CloseableHttpClient client) {
    }

    /**
     * @param files per tenant slug, where its secrets are mounted
     * @param renewBefore use a token until this long before it expires
     * @param tokenBackoff first wait after a failed token request (doubles, capped at maxBackoff)
     */
    public HttpCaseJournal(EndpointPolicy policy, Map<String, TenantFiles> files, Duration timeout,
            Duration renewBefore, Duration tokenBackoff, Duration maxBackoff, Clock clock) {
        this.policy = policy;
        this.files = files;
        this.timeout = timeout;
        this.clock = clock;
        this.plain = client(null);
        this.tokens = new AccessTokens(plain, clock, renewBefore, tokenBackoff, maxBackoff);
    }

    @Override
    public Outcome deliver(Endpoint endpoint, UUID idempotencyKey, String entryJson) {
        TenantFiles tenantFiles = files.get(endpoint.tenant());
        try {
            Auth auth = endpoint.auth();
            if (auth instanceof Auth.ClientCredentials cc) {
                return withToken(endpoint, cc, tenantFiles, idempotencyKey, entryJson);
            }
            if (auth instanceof Auth.MutualTls) {
                return post(tlsClient(endpoint.tenant(), tenantFiles), endpoint, idempotencyKey, entryJson, null);
            }
            if (!policy.allowInsecure()) {
                return new Outcome.Retry(null, null, "push without authentication is not allowed");
            }
            return post(plain, endpoint, idempotencyKey, entryJson, null);
        } catch (EndpointPolicy.RefusedAddress e) {
            return new Outcome.Retry(null, null, "refused: the endpoint resolves to a disallowed address");
        } catch (IOException e) {
            return new Outcome.Retry(null, null, "network: " + e.getClass().getSimpleName() + e.getMessage()
                    + (e.getCause() == null ? "" : e.getCause().toString()));
        } catch (AccessTokens.Unavailable e) {
            return new Outcome.Retry(null, e.retryAfter, e.getMessage());
        }
    }

    private Outcome withToken(Endpoint endpoint, Auth.ClientCredentials cc, TenantFiles tenantFiles, UUID key,
            String json) throws IOException, AccessTokens.Unavailable {
        String token = tokens.token(endpoint.tenant(), cc, tenantFiles, false);
        Outcome first = post(plain, endpoint, key, json, token);
        if (!(first instanceof Outcome.Rejected r && r.status() == 401)) {
            return first;
        }
        // the token may have been revoked or the case system restarted with new keys: one fresh token
        tokens.invalidate(endpoint.tenant(), cc);
        Outcome second = post(plain, endpoint, key, json, tokens.token(endpoint.tenant(), cc, tenantFiles, true));
        if (second instanceof Outcome.Rejected again && again.status() == 401) {
            // a fresh token refused: credentials or the case system's configuration are wrong; retried (and
            // in the end a dead letter an admin can replay once fixed) rather than lost now
            return new Outcome.Retry(401, null, "HTTP 401 with a fresh token");
        }
        return second;
    }

    private Outcome post(CloseableHttpClient client, Endpoint endpoint, UUID key, String json, String bearer)
            throws IOException {
        HttpPost post = new HttpPost(endpoint.url());
        post.setHeader(IDEMPOTENCY_KEY, key.toString());
        if (bearer != null) {
            post.setHeader("Authorization", "Bearer " + bearer);
        }
        post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
        return client.execute(post, response -> {
            int status = response.getCode();
            if (status >= 200 && status < 300) {
                return new Outcome.Delivered(status);
            }
            if (status == 408 || status == 425 || status == 429 || status >= 500) {
                Header h = response.getFirstHeader("Retry-After");
                return new Outcome.Retry(status, retryAfter(h == null ? null : h.getValue()), "HTTP " + status);
            }
            return new Outcome.Rejected(status, "HTTP " + status);
        });
    }

    private CloseableHttpClient tlsClient(String tenant, TenantFiles tenantFiles) throws IOException {
        if (tenantFiles == null) {
            throw new IOException("no client certificate configured for the tenant");
        }
        String version = tenantFiles.version();
        TlsClient current = tlsClients.get(tenant);
        if (current != null && current.version().equals(version)) {
            return current.client();
        }
        SSLContext ctx;
        try {
            ctx = TenantTls.context(tenantFiles, true);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("client certificate unusable", e);
        }
        TlsClient fresh = new TlsClient(version, client(ctx));
        TlsClient old = tlsClients.put(tenant, fresh);
        if (old != null) {
            closeQuietly(old.client());
        }
        LOG.infof("Journal push: client certificate of tenant %s (re)loaded", tenant);
        return fresh.client();
    }

    private CloseableHttpClient client(SSLContext ssl) {
        DnsResolver dns = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return policy.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return policy.resolve(host)[0].getCanonicalHostName();
            }
        };
        Timeout t = Timeout.of(timeout);
        var cm = PoolingHttpClientConnectionManagerBuilder.create().setDnsResolver(dns)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                .setMaxConnPerRoute(4).setMaxConnTotal(64);
        if (ssl != null) {
            cm.setTlsSocketStrategy(new DefaultClientTlsStrategy(ssl));
        }
        return HttpClients.custom().setConnectionManager(cm.build()).disableRedirectHandling().disableAutomaticRetries()
                .disableCookieManagement().setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).build())
                .build();
    }

    private Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException x) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(plain);
        tlsClients.values().forEach(c -> closeQuietly(c.client()));
    }

    private static void closeQuietly(CloseableHttpClient c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing idle connections; nothing to do
        }
    }
}

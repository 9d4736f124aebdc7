package dk.samtale.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Turns a verified token into a {@link Caller}: finds the tenant, registers the citizen (by CPR) or
 * staff member (by subject) on first sight, and maps a staff member's groups to units. Cached per
 * token, so a busy client costs one lookup per token, not one per request. Only callers that were
 * found are cached: a token whose tenant does not exist yet works as soon as the tenant is created,
 * and its refusal is a plain 401 (a cache that stores failures logs each one with a stack trace).
 */
@ApplicationScoped
public class CallerResolver {

    private final Pool pool;
    private final Citizens citizens;
    private final Clock clock;
    private final Cache<VerifiedToken, Caller> cache = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    CallerResolver(Pool pool, Citizens citizens, Clock clock) {
        this.pool = pool;
        this.citizens = citizens;
        this.clock = clock;
    }

    /** The caller behind an authenticated identity; fails with 401 when there is none. */
    public Uni<Caller> resolve(SecurityIdentity identity) {
        VerifiedToken token = identity == null || identity.isAnonymous()
                ? null
                : identity.getAttribute(VerifiedToken.ATTRIBUTE);
        if (token == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("no verified token"));
        }
        return resolve(token);
    }

    public Uni<Caller> resolve(VerifiedToken token) {
        Caller cached = cache.getIfPresent(token);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return lookup(token).invoke(caller -> cache.put(token, caller));
    }

    private Uni<Caller> lookup(VerifiedToken token) {
        return pool.preparedQuery("SELECT id, name FROM tenant WHERE slug = $1").execute(Tuple.of(token.tenant()))
                .onItem().transformToUni(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(new AuthenticationFailedException("unknown tenant"));
                    }
                    Row tenant = rows.iterator().next();
                    UUID tenantId = tenant.getUUID("id");
                    String tenantName = tenant.getString("name");
                    return switch (token.kind()) {
                        case citizen -> citizens.findOrRegister(tenantId, token.cpr(), token.name())
                                .map(found -> new Caller(token.kind(), tenantId, tenantName, found.id(), found.name(),
                                        Set.of(), Set.of("citizen"), token.expiresAt()));
                        case staff -> staff(token, tenantId).flatMap(id -> units(tenantId, token.groups())
                                .map(units -> new Caller(token.kind(), tenantId, tenantName, id, token.name(), units,
                                        Set.of("staff"), token.expiresAt())));
                        case service -> Uni.createFrom().item(new Caller(token.kind(), tenantId, tenantName, null,
                                token.subject(), Set.of(), token.groups(), token.expiresAt()));
                    };
                });
    }

    private Uni<UUID> staff(VerifiedToken token, UUID tenantId) {
        return pool
                .preparedQuery(
                        """
                                INSERT INTO staff_member (id, tenant_id, subject, name, last_seen_at) VALUES ($1, $2, $3, $4, $5)
                                ON CONFLICT (tenant_id, subject) DO UPDATE SET name = EXCLUDED.name, last_seen_at = EXCLUDED.last_seen_at
                                RETURNING id""")
                .execute(Tuple.of(Uuid7.next(clock), tenantId, token.subject(), token.name(),
                        Times.utc(Times.now(clock))))
                .map(rows -> rows.iterator().next().getUUID("id"));
    }

    private Uni<Set<UUID>> units(UUID tenantId, Set<String> groups) {
        return pool.preparedQuery("SELECT id FROM unit WHERE tenant_id = $1 AND external_id = ANY($2)")
                .execute(Tuple.of(tenantId, groups.toArray(String[]::new)))
                .map(CallerResolver::ids);
    }

    private static Set<UUID> ids(RowSet<Row> rows) {
        return StreamSupport.stream(rows.spliterator(), false).map(r -> r.getUUID("id"))
                .collect(Collectors.toUnmodifiableSet());
    }
}

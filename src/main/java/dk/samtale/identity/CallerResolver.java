package dk.samtale.identity;

import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;

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
 * Turns a verified token into a {@link Caller}: finds the tenant (by the issuer's slug or the token's
 * municipality code), registers the citizen (by CPR) or staff member (by subject) on first sight, and
 * maps a staff member's groups to units (recording them, so that only staff of a unit can be assigned
 * its conversations). Cached per token ({@link CallerCache}), so a busy client costs one lookup per
 * token, not one per request.
 */
@ApplicationScoped
public class CallerResolver {

    private final Pool pool;
    private final Citizens citizens;
    private final Clock clock;
    private final CallerCache cache;
    private final RefusedTokens refused;

    CallerResolver(Pool pool, Citizens citizens, Clock clock, CallerCache cache, RefusedTokens refused) {
        this.pool = pool;
        this.citizens = citizens;
        this.clock = clock;
        this.cache = cache;
        this.refused = refused;
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
        Caller cached = cache.get(token);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return load(token).invoke(caller -> cache.put(token, caller));
    }

    private Uni<Caller> load(VerifiedToken token) {
        Uni<RowSet<Row>> tenantRows = token.tenant() != null
                ? pool.preparedQuery("SELECT id, name FROM tenant WHERE slug = $1").execute(Tuple.of(token.tenant()))
                : token.tenantCode() != null
                        ? pool.preparedQuery("SELECT id, name FROM tenant WHERE municipality_code = $1")
                                .execute(Tuple.of(token.tenantCode()))
                        : Uni.createFrom().nullItem();
        return tenantRows.onItem().transformToUni(rows -> {
            if (rows == null || rows.size() == 0) {
                // e.g. a valid token before the operator created its tenant: one log line, no stack trace
                return Uni.createFrom().failure(refused.refuse(Refusal.UNKNOWN_TENANT, null));
            }
            Row tenant = rows.iterator().next();
            UUID tenantId = tenant.getUUID("id");
            String tenantName = tenant.getString("name");
            return switch (token.kind()) {
                case citizen -> citizens.findOrRegister(tenantId, token.cpr(), token.name())
                        .map(found -> new Caller(token.kind(), tenantId, tenantName, found.id(), found.name(),
                                Set.of(), Set.of("citizen"), token.expiresAt(), Cpr.birthDate(token.cpr())));
                case staff -> staff(token, tenantId).flatMap(id -> units(tenantId, id, token.groups())
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

    /** The units the groups name, recorded as the staff member's current memberships. */
    private Uni<Set<UUID>> units(UUID tenantId, UUID staffId, Set<String> groups) {
        return pool
                .preparedQuery(
                        """
                                WITH u AS (SELECT DISTINCT unit_id FROM unit_external_id WHERE tenant_id = $1 AND external_id = ANY($2)),
                                     gone AS (DELETE FROM staff_unit WHERE staff_id = $3 AND unit_id NOT IN (SELECT unit_id FROM u)),
                                     added AS (INSERT INTO staff_unit (staff_id, unit_id) SELECT $3, unit_id FROM u ON CONFLICT DO NOTHING)
                                SELECT unit_id AS id FROM u""")
                .execute(Tuple.of(tenantId, groups.toArray(String[]::new), staffId))
                .map(CallerResolver::ids);
    }

    private static Set<UUID> ids(RowSet<Row> rows) {
        return StreamSupport.stream(rows.spliterator(), false).map(r -> r.getUUID("id"))
                .collect(Collectors.toUnmodifiableSet());
    }
}

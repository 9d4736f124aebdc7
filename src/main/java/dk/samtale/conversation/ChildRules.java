package dk.samtale.conversation;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.identity.Caller;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;

/**
 * A unit's rules for children using the service on their own: the youngest age at which a child may see
 * the unit's conversations at all, and whether children may write (else they read only). Applies to a
 * citizen caller whose age — derived from the verified token's CPR at sign-in, evaluated now with the
 * injected clock — is under 18; adults, staff and citizens of unknown age pass without any lookup, so the
 * message path of everyone else is exactly as cheap as before. A unit's settings are kept for
 * {@link #TTL} (a change reaches other replicas within that time; this replica's at once).
 */
@ApplicationScoped
public class ChildRules {

    /** How long a unit's settings are used before they are read again. */
    static final Duration TTL = Duration.ofSeconds(30);

    /** A unit's settings for children. */
    public record Settings(int minimumAge, boolean childrenMayWrite) {
    }

    private final Pool pool;
    private final Clock clock;
    private final Cache<UUID, Settings> units;

    ChildRules(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
        this.units = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(TTL).build();
    }

    /** Whether the caller is a child, so the rules apply (no lookup). */
    boolean applies(Caller caller) {
        return caller.isChild(clock);
    }

    /**
     * Fails with {@code child-below-minimum-age} (403) when the caller is a child younger than the unit
     * allows, and, when {@code writing}, with {@code child-may-not-write} (403) when the unit lets children
     * only read. Passes at once for anyone else.
     */
    Uni<Void> check(Caller caller, UUID unitId, boolean writing) {
        if (!applies(caller)) {
            return Uni.createFrom().voidItem();
        }
        return settings(unitId).map(s -> {
            refusal(caller, s, writing);
            return null;
        });
    }

    /** Whether a child caller may see the unit's conversations at all (list filtering; settings loaded). */
    boolean mayUse(Caller caller, Settings s) {
        return !applies(caller) || caller.age(clock) >= s.minimumAge();
    }

    private void refusal(Caller caller, Settings s, boolean writing) {
        if (!mayUse(caller, s)) {
            throw new ProblemException(ErrorCode.CHILD_BELOW_MINIMUM_AGE,
                    "This unit's conversations are for children from " + s.minimumAge() + " years");
        }
        if (writing && !s.childrenMayWrite()) {
            throw new ProblemException(ErrorCode.CHILD_MAY_NOT_WRITE,
                    "Children can read but not write in this unit's conversations");
        }
    }

    /** The unit's settings (cached); defaults for a unit that does not exist (callers check existence). */
    public Uni<Settings> settings(UUID unitId) {
        Settings cached = units.getIfPresent(unitId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return pool.preparedQuery("SELECT child_min_age, children_may_write FROM unit WHERE id = $1")
                .execute(Tuple.of(unitId)).map(rows -> {
                    if (rows.size() == 0) {
                        return new Settings(13, true);
                    }
                    Row r = rows.iterator().next();
                    Settings s = new Settings(r.getInteger("child_min_age"), r.getBoolean("children_may_write"));
                    units.put(unitId, s);
                    return s;
                });
    }

    /** Sets a unit's settings (tenant-scoped; false when no such unit in the tenant). */
    public Uni<Boolean> set(UUID tenantId, UUID unitId, Settings s) {
        return pool.preparedQuery("UPDATE unit SET child_min_age = $3, children_may_write = $4"
                + " WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(unitId, tenantId, (short) s.minimumAge(), s.childrenMayWrite())).map(rows -> {
                    units.invalidate(unitId);
                    return rows.rowCount() > 0;
                });
    }

    /** A unit's settings for the admin API; null when the unit is not the tenant's. */
    public Uni<Settings> get(UUID tenantId, UUID unitId) {
        return pool.preparedQuery("SELECT child_min_age, children_may_write FROM unit WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(unitId, tenantId)).map(rows -> rows.size() == 0
                        ? null
                        : new Settings(rows.iterator().next().getInteger("child_min_age"),
                                rows.iterator().next().getBoolean("children_may_write")));
    }
}

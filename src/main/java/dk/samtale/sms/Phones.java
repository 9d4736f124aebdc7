package dk.samtale.sms;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.identity.Caller;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * Citizens' verified mobile numbers. A number is verified when a staff member of the tenant enters it
 * after checking that it is the citizen's (in a meeting, by phone, from the case file): who and when
 * are recorded. The number is sealed under the tenant's data key and found by its blind index, so an
 * incoming SMS finds its citizen without decrypting anything.
 */
@ApplicationScoped
public class Phones {

    /** A citizen found by number. */
    public record Owner(UUID citizenId, boolean optedOut) {
    }

    /**
     * What staff see about a citizen's number: never the number itself, only a mask that lets a
     * caseworker recognise it ("+45••••••78"), and who verified it (a staff id) and when.
     */
    public record PhoneStatus(UUID citizenId, boolean verified, java.time.Instant verifiedAt, boolean optedOut,
            String maskedNumber, UUID verifiedBy) {

        public PhoneStatus(UUID citizenId, boolean verified, java.time.Instant verifiedAt, boolean optedOut) {
            this(citizenId, verified, verifiedAt, optedOut, null, null);
        }
    }

    /** The country code (for +45: the first three characters) and the last two digits; the rest hidden. */
    static String mask(String e164) {
        if (e164 == null || e164.length() < 6) {
            return null;
        }
        return e164.substring(0, 3) + "•".repeat(e164.length() - 5) + e164.substring(e164.length() - 2);
    }

    private final Pool pool;
    private final KeyRing keys;
    private final Clock clock;

    Phones(Pool pool, KeyRing keys, Clock clock) {
        this.pool = pool;
        this.keys = keys;
        this.clock = clock;
    }

    static Binding binding(UUID tenantId, UUID citizenId) {
        return new Binding(tenantId, "citizen_phone", citizenId, "phone");
    }

    /** Staff of the tenant: sets (or replaces) the citizen's verified number. */
    public Uni<PhoneStatus> register(Caller staff, UUID citizenId, PhoneNumber phone) {
        UUID tenant = staff.tenantId();
        return keys.tenant(tenant).flatMap(k -> citizenOfTenant(tenant, citizenId).flatMap(x -> pool.preparedQuery("""
                INSERT INTO citizen_phone (citizen_id, tenant_id, phone_enc, phone_index, verified_at, verified_by)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (citizen_id) DO UPDATE SET phone_enc = EXCLUDED.phone_enc,
                    phone_index = EXCLUDED.phone_index, verified_at = EXCLUDED.verified_at,
                    verified_by = EXCLUDED.verified_by
                RETURNING verified_at, opted_out_at""")
                .execute(Tuple.tuple(java.util.List.of(citizenId, tenant,
                        Buffer.buffer(k.seal(binding(tenant, citizenId), phone.e164())),
                        Buffer.buffer(index(k, phone)), Times.utc(Times.now(clock)), staff.id())))))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new PhoneStatus(citizenId, true, Times.instant(r.getOffsetDateTime("verified_at")),
                            r.getValue("opted_out_at") != null, mask(phone.e164()), staff.id());
                })
                .onFailure(t -> t instanceof PgException pg && "23505".equals(pg.getSqlState()))
                .transform(t -> new ProblemException(ErrorCode.PHONE_IN_USE,
                        "This number is already registered for another citizen"));
    }

    /** Staff of the tenant: removes the citizen's number (SMS stops). */
    public Uni<Void> remove(Caller staff, UUID citizenId) {
        return citizenOfTenant(staff.tenantId(), citizenId)
                .flatMap(x -> pool.preparedQuery("DELETE FROM citizen_phone WHERE citizen_id = $1 AND tenant_id = $2")
                        .execute(Tuple.of(citizenId, staff.tenantId())))
                .replaceWithVoid();
    }

    public Uni<PhoneStatus> status(Caller staff, UUID citizenId) {
        UUID tenant = staff.tenantId();
        return keys.tenant(tenant).flatMap(k -> citizenOfTenant(tenant, citizenId).flatMap(x -> pool
                .preparedQuery("SELECT verified_at, verified_by, opted_out_at, phone_enc FROM citizen_phone"
                        + " WHERE citizen_id = $1")
                .execute(Tuple.of(citizenId))).map(rows -> {
                    if (rows.size() == 0) {
                        return new PhoneStatus(citizenId, false, null, false);
                    }
                    Row r = rows.iterator().next();
                    String number = k.openOrNull(binding(tenant, citizenId), r.getBuffer("phone_enc").getBytes());
                    return new PhoneStatus(citizenId, true, Times.instant(r.getOffsetDateTime("verified_at")),
                            r.getValue("opted_out_at") != null, mask(number), r.getUUID("verified_by"));
                }));
    }

    /** The citizen of the tenant with this number, or null. */
    public Uni<Owner> find(TenantKeys k, UUID tenantId, PhoneNumber phone) {
        return pool.preparedQuery(
                "SELECT citizen_id, opted_out_at FROM citizen_phone WHERE tenant_id = $1 AND phone_index = $2")
                .execute(Tuple.of(tenantId, Buffer.buffer(index(k, phone))))
                .map(rows -> rows.size() == 0
                        ? null
                        : new Owner(rows.iterator().next().getUUID("citizen_id"),
                                rows.iterator().next().getValue("opted_out_at") != null));
    }

    /** STOP (optedOut true) and START (false) from the number itself. */
    public Uni<Void> optOut(UUID citizenId, boolean optedOut) {
        return pool.preparedQuery("UPDATE citizen_phone SET opted_out_at = $2 WHERE citizen_id = $1")
                .execute(Tuple.of(citizenId, optedOut ? Times.utc(Times.now(clock)) : null)).replaceWithVoid();
    }

    static byte[] index(TenantKeys k, PhoneNumber phone) {
        return k.index("phone", phone.e164());
    }

    private Uni<Void> citizenOfTenant(UUID tenantId, UUID citizenId) {
        return pool.preparedQuery("SELECT 1 FROM citizen WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(citizenId, tenantId)).map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("citizen");
                    }
                    return null;
                });
    }
}

package dk.samtale.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Devices of citizens and staff. A token belongs to one owner: registering it again as the same owner
 * refreshes it; as someone else (a shared phone, a new login) moves it to them as a new device. The
 * token is sealed under the owner's tenant key and found by its SHA-256, so it is never stored, logged
 * or compared in the clear.
 */
@ApplicationScoped
public class Devices {

    private static final Logger LOG = Logger.getLogger(Devices.class);
    /** FCM tokens are about 150–200 printable ASCII characters; allow generous room, nothing else. */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{1,4096}");
    private static final Pattern APP_VERSION = Pattern.compile("[\\x20-\\x7E]{1,64}");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}");
    private static final String COLUMNS = "id, platform, app_version, locale, created_at, last_seen_at";

    /** What a device registration asks for. */
    public record Registration(String token, String platform, String appVersion, String locale) {
        @Override
        public String toString() {
            return "Registration[" + platform + "]"; // never the token
        }
    }

    /** The registered device, and whether this call created it (new, or moved from another owner). */
    public record Registered(Device device, boolean created) {
    }

    private final Pool pool;
    private final KeyRing keys;
    private final Clock clock;
    private final PushMetrics metrics;

    Devices(Pool pool, KeyRing keys, Clock clock, PushMetrics metrics) {
        this.pool = pool;
        this.keys = keys;
        this.clock = clock;
        this.metrics = metrics;
    }

    public Uni<Registered> register(Caller caller, Registration r) {
        if (r == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        if (r.token() == null || !TOKEN.matcher(r.token()).matches()) {
            throw ProblemException.invalid("token", "must be 1 to 4096 printable ASCII characters");
        }
        PushNotifier.Platform platform = platform(r.platform());
        if (r.appVersion() != null && !APP_VERSION.matcher(r.appVersion()).matches()) {
            throw ProblemException.invalid("appVersion", "must be 1 to 64 printable ASCII characters");
        }
        if (r.locale() != null && !LOCALE.matcher(r.locale()).matches()) {
            throw ProblemException.invalid("locale", "must be a language tag such as da-DK");
        }
        byte[] hash = hash(r.token());
        return keys.tenant(caller.tenantId())
                .flatMap(k -> pool.withTransaction(tx -> upsert(tx, k, caller, r, platform, hash)))
                // two first registrations of one token at once: the loser finds the winner's row
                .onFailure(Devices::isTokenConflict).retry().atMost(1);
    }

    private Uni<Registered> upsert(SqlClient tx, TenantKeys k, Caller caller, Registration r,
            PushNotifier.Platform platform, byte[] hash) {
        Instant now = Times.now(clock);
        return tx.preparedQuery("SELECT id, owner_id FROM device WHERE token_hash = $1 FOR UPDATE")
                .execute(Tuple.of(Buffer.buffer(hash))).flatMap(rows -> {
                    Row existing = rows.size() == 0 ? null : rows.iterator().next();
                    if (existing != null && existing.getUUID("owner_id").equals(caller.id())) {
                        UUID id = existing.getUUID("id");
                        return tx.preparedQuery("UPDATE device SET platform = $2, app_version = $3, locale = $4, "
                                + "last_seen_at = $5 WHERE id = $1 RETURNING " + COLUMNS)
                                .execute(Tuple.of(id, platform.name(), r.appVersion(), r.locale(), Times.utc(now)))
                                .flatMap(updated -> units(tx, caller, id)
                                        .replaceWith(new Registered(device(updated.iterator().next()), false)));
                    }
                    Uni<Void> moved = existing == null
                            ? Uni.createFrom().voidItem()
                            : tx.preparedQuery("DELETE FROM device WHERE id = $1")
                                    .execute(Tuple.of(existing.getUUID("id")))
                                    .invoke(x -> metrics.tokenMoved()).replaceWithVoid();
                    UUID id = Uuid7.next(clock);
                    byte[] sealed = k.seal(binding(caller.tenantId(), id), r.token());
                    Tuple insert = Tuple.tuple(List.of(id, caller.tenantId(), caller.isCitizen() ? "citizen" : "staff",
                            caller.id(), Buffer.buffer(hash), Buffer.buffer(sealed), platform.name()));
                    insert.addValue(r.appVersion()).addValue(r.locale()).addValue(Times.utc(now));
                    return moved.flatMap(x -> tx.preparedQuery("""
                            INSERT INTO device (id, tenant_id, owner_kind, owner_id, token_hash, token_enc, platform,
                                                app_version, locale, created_at, last_seen_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING\s""" + COLUMNS)
                            .execute(insert))
                            .flatMap(inserted -> units(tx, caller, id)
                                    .replaceWith(new Registered(device(inserted.iterator().next()), true)));
                });
    }

    /** A staff device pushes for the units its owner is in now (staff units come from the token). */
    private Uni<Void> units(SqlClient tx, Caller caller, UUID deviceId) {
        if (!caller.isStaff()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("DELETE FROM device_unit WHERE device_id = $1").execute(Tuple.of(deviceId))
                .flatMap(x -> tx.preparedQuery(
                        "INSERT INTO device_unit (unit_id, device_id) SELECT unnest($2::uuid[]), $1")
                        .execute(Tuple.of(deviceId, caller.unitIds().toArray(UUID[]::new))))
                .replaceWithVoid();
    }

    public Uni<List<Device>> list(Caller caller) {
        return pool.preparedQuery("SELECT " + COLUMNS
                + " FROM device WHERE owner_id = $1 AND tenant_id = $2 ORDER BY created_at, id")
                .execute(Tuple.of(caller.id(), caller.tenantId())).map(rows -> {
                    List<Device> list = new ArrayList<>();
                    rows.forEach(row -> list.add(device(row)));
                    return list;
                });
    }

    /** Logout: the caller's own device only; anyone else's is not-found. */
    public Uni<Void> remove(Caller caller, UUID id) {
        return pool.preparedQuery("DELETE FROM device WHERE id = $1 AND owner_id = $2 AND tenant_id = $3")
                .execute(Tuple.of(id, caller.id(), caller.tenantId())).map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("device");
                    }
                    return null;
                });
    }

    /** A token the push service refused for good. */
    Uni<Void> forget(UUID deviceId, String reason) {
        return pool.preparedQuery("DELETE FROM device WHERE id = $1").execute(Tuple.of(deviceId))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        metrics.tokenRemoved(reason);
                        LOG.infof("Push token of device %s removed: %s", deviceId, reason);
                    }
                }).replaceWithVoid();
    }

    static Binding binding(UUID tenantId, UUID deviceId) {
        return new Binding(tenantId, "device", deviceId, "token");
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PushNotifier.Platform platform(String value) {
        if (value == null) {
            throw ProblemException.invalid("platform", "is required: android, ios or web");
        }
        try {
            return PushNotifier.Platform.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("platform", "must be android, ios or web");
        }
    }

    private static Device device(Row r) {
        return new Device(r.getUUID("id"), PushNotifier.Platform.valueOf(r.getString("platform")),
                r.getString("app_version"), r.getString("locale"), Times.instant(r.getOffsetDateTime("created_at")),
                Times.instant(r.getOffsetDateTime("last_seen_at")));
    }

    private static boolean isTokenConflict(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState())
                && String.valueOf(pg.getConstraint()).equals("device_token_unique");
    }
}

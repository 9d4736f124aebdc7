package dk.samtale.identity;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Citizens by CPR. The CPR and the name are stored sealed, bound to the citizen's row; the CPR is
 * found again through its blind index (HMAC under the tenant's index key), never by decrypting.
 */
@ApplicationScoped
public class Citizens {

    /** A citizen's id and (decrypted) name. */
    public record Found(UUID id, String name) {
    }

    private final Pool pool;
    private final KeyRing keys;
    private final Clock clock;

    Citizens(Pool pool, KeyRing keys, Clock clock) {
        this.pool = pool;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * The citizen with this CPR in the tenant, registered if new. A given name replaces the stored one
     * (MitID's name wins over one typed by staff); null keeps it.
     */
    public Uni<Found> findOrRegister(UUID tenantId, String cpr, String name) {
        return keys.tenant(tenantId).flatMap(k -> findOrRegister(pool, k, tenantId, cpr, name));
    }

    /** The id of the citizen with this CPR in the tenant, or null: never registers (legal holds, erasure). */
    public Uni<UUID> find(UUID tenantId, String cpr) {
        return keys.tenant(tenantId).flatMap(k -> pool
                .preparedQuery("SELECT id FROM citizen WHERE tenant_id = $1 AND cpr_index = $2")
                .execute(Tuple.of(tenantId, Buffer.buffer(k.index("cpr", cpr))))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id")));
    }

    /** A citizen's name from its sealed column; null when absent or unreadable. */
    public static String name(TenantKeys keys, UUID tenantId, UUID citizenId, byte[] nameEnc) {
        return keys.openOrNull(Binding.citizen(tenantId, citizenId, "name"), nameEnc);
    }

    private Uni<Found> findOrRegister(SqlClient client, TenantKeys k, UUID tenantId, String cpr, String name) {
        byte[] index = k.index("cpr", cpr);
        UUID id = Uuid7.next(clock);
        Tuple insert = Tuple
                .tuple(java.util.List.of(id, tenantId, buffer(k.seal(Binding.citizen(tenantId, id, "cpr"), cpr)),
                        Buffer.buffer(index), Times.utc(Times.now(clock))));
        insert.addValue(name == null ? null : buffer(k.seal(Binding.citizen(tenantId, id, "name"), name)));
        return client
                .preparedQuery(
                        """
                                INSERT INTO citizen (id, tenant_id, cpr_enc, cpr_index, created_at, name_enc) VALUES ($1, $2, $3, $4, $5, $6)
                                ON CONFLICT (tenant_id, cpr_index) DO NOTHING RETURNING id""")
                .execute(insert)
                .flatMap(rows -> rows.size() > 0
                        ? Uni.createFrom().item(new Found(id, name))
                        : existing(client, k, tenantId, index, name));
    }

    private Uni<Found> existing(SqlClient client, TenantKeys k, UUID tenantId, byte[] index, String name) {
        return client.preparedQuery("SELECT id, name_enc FROM citizen WHERE tenant_id = $1 AND cpr_index = $2")
                .execute(Tuple.of(tenantId, Buffer.buffer(index)))
                .flatMap(rows -> {
                    Row r = rows.iterator().next();
                    UUID id = r.getUUID("id");
                    var enc = r.getBuffer("name_enc");
                    String stored = name(k, tenantId, id, enc == null ? null : enc.getBytes());
                    if (name == null || name.equals(stored)) {
                        return Uni.createFrom().item(new Found(id, stored));
                    }
                    return client.preparedQuery("UPDATE citizen SET name_enc = $2 WHERE id = $1")
                            .execute(Tuple.of(id, buffer(k.seal(Binding.citizen(tenantId, id, "name"), name))))
                            .replaceWith(new Found(id, name));
                });
    }

    private static Buffer buffer(byte[] bytes) {
        return Buffer.buffer(bytes);
    }
}

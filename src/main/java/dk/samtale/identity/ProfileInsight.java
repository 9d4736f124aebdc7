package dk.samtale.identity;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.InsightContributor;

/** The citizen's profile for the insight report: their CPR number and name as held (sealed), since when. */
@ApplicationScoped
class ProfileInsight implements InsightContributor {

    /** {@code cpr}/{@code name}: null when unreadable (the tenant's keys were destroyed). */
    record Profile(String cpr, String name, Instant registeredAt) {
        @Override
        public String toString() {
            return "Profile[...]"; // never the CPR or name
        }
    }

    private final Pool pool;
    private final KeyRing keys;

    ProfileInsight(Pool pool, KeyRing keys) {
        this.pool = pool;
        this.keys = keys;
    }

    @Override
    public String name() {
        return "profile";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public Set<String> tables() {
        return Set.of("citizen");
    }

    @Override
    public Uni<Section> about(Subject s) {
        return keys.tenant(s.tenantId()).flatMap(k -> pool
                .preparedQuery("SELECT id, cpr_enc, name_enc, created_at FROM citizen WHERE tenant_id = $1 AND id = $2")
                .execute(Tuple.of(s.tenantId(), s.citizenId()))
                .map(rows -> {
                    List<Profile> items = new java.util.ArrayList<>();
                    rows.forEach(r -> items.add(profile(k, s, r)));
                    return new Section(name(), "Dine oplysninger", items);
                }));
    }

    private static Profile profile(TenantKeys k, Subject s, Row r) {
        return new Profile(k.openOrNull(Binding.citizen(s.tenantId(), s.citizenId(), "cpr"), bytes(r, "cpr_enc")),
                Citizens.name(k, s.tenantId(), s.citizenId(), bytes(r, "name_enc")),
                r.getOffsetDateTime("created_at").toInstant());
    }

    private static byte[] bytes(Row r, String column) {
        var b = r.getBuffer(column);
        return b == null ? null : b.getBytes();
    }
}

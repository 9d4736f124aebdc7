package dk.samtale.push;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.InsightContributor;

/**
 * The citizen's devices (app installations registered for push) for the insight report. Never the push token: it is a credential to
 * reach the phone, and the citizen's app already has it.
 */
@ApplicationScoped
class DeviceInsight implements InsightContributor {

    record Item(UUID id, String platform, String appVersion, String locale, Instant registeredAt,
            Instant lastSeenAt) {
    }

    private final Pool pool;

    DeviceInsight(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String name() {
        return "devices";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public Set<String> tables() {
        return Set.of("device");
    }

    @Override
    public Uni<Section> about(Subject s) {
        Uni<List<Item>> devices = pool.preparedQuery("""
                SELECT id, platform, app_version, locale, created_at, last_seen_at FROM device
                WHERE tenant_id = $1 AND owner_kind = 'citizen' AND owner_id = $2 ORDER BY created_at, id""")
                .execute(Tuple.of(s.tenantId(), s.citizenId())).map(rows -> {
                    List<Item> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(new Item(r.getUUID("id"), r.getString("platform"), r.getString("app_version"),
                                r.getString("locale"), r.getOffsetDateTime("created_at").toInstant(),
                                r.getOffsetDateTime("last_seen_at").toInstant()));
                    }
                    return list;
                });
        return devices.map(d -> new Section(name(), "Dine enheder", d));
    }
}

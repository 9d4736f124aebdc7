package dk.samtale.audit;

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
 * What staff did about the citizen, from the staff audit trail, for the insight report: entries whose
 * target is the citizen (a CPR lookup, a phone number set) or one of their conversations (assigned, closed,
 * transferred, case reference set, a note added). The action and the time, not who (staff identities are
 * the access log's per-tenant choice) and not the detail (ids of units and colleagues).
 */
@ApplicationScoped
class AuditInsight implements InsightContributor {

    record Item(Instant at, String action, String targetType, UUID targetId, String actorKind) {
    }

    private final Pool pool;

    AuditInsight(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String name() {
        return "staff-actions";
    }

    @Override
    public int order() {
        return 80;
    }

    @Override
    public Set<String> tables() {
        return Set.of("audit_entry");
    }

    @Override
    public Uni<Section> about(Subject s) {
        List<UUID> targets = new ArrayList<>(s.conversationIds());
        targets.add(s.citizenId());
        return pool.preparedQuery("""
                SELECT at, action, target_type, target_id, actor_kind FROM audit_entry
                WHERE tenant_id = $1 AND target_id = ANY($2) ORDER BY id""")
                .execute(Tuple.of(s.tenantId(), targets.toArray(UUID[]::new))).map(rows -> {
                    List<Item> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(new Item(r.getOffsetDateTime("at").toInstant(), r.getString("action"),
                                r.getString("target_type"), r.getUUID("target_id"), r.getString("actor_kind")));
                    }
                    return new Section(name(), "Handlinger i dine sager", items);
                });
    }
}

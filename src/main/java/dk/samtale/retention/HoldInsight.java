package dk.samtale.retention;

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
 * Legal holds on the citizen or on one of their conversations, for the insight report: that their data is
 * kept beyond its retention period, since when and until when. The reason (a reference to proceedings)
 * only in the DPO's report, who decides whether the law lets the municipality withhold it
 * (Databeskyttelsesloven § 22), as for staff notes.
 */
@ApplicationScoped
class HoldInsight implements InsightContributor {

    record Item(UUID id, UUID conversationId, boolean onCitizen, Instant placedAt, Instant liftedAt, String reason) {
    }

    private final Pool pool;

    HoldInsight(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String name() {
        return "legal-holds";
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public Set<String> tables() {
        return Set.of("legal_hold");
    }

    @Override
    public Uni<Section> about(Subject s) {
        boolean dpo = s.audience() == Audience.dpo;
        return pool.preparedQuery("""
                SELECT id, conversation_id, citizen_id, placed_at, lifted_at, reason FROM legal_hold
                WHERE tenant_id = $1 AND (citizen_id = $2 OR conversation_id = ANY($3)) ORDER BY placed_at, id""")
                .execute(Tuple.of(s.tenantId(), s.citizenId(), s.conversationIds().toArray(UUID[]::new)))
                .map(rows -> {
                    List<Item> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(
                                new Item(r.getUUID("id"), r.getUUID("conversation_id"), r.getUUID("citizen_id") != null,
                                        r.getOffsetDateTime("placed_at").toInstant(),
                                        r.getOffsetDateTime("lifted_at") == null
                                                ? null
                                                : r.getOffsetDateTime("lifted_at").toInstant(),
                                        dpo ? r.getString("reason") : null));
                    }
                    return new Section(name(), "Sletning sat i bero (retligt hensyn)", list);
                });
    }
}

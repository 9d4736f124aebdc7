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
 * Pushes about the citizen's conversations (to their devices or to staff) that are due now or were given up
 * on, for the insight report. Pushes that went out leave no row: they carried no text, only "new message".
 */
@ApplicationScoped
class PushInsight implements InsightContributor {

    /** {@code state}: due (waiting for its grace period or a retry) or failed (given up, with the reason). */
    record Item(UUID conversationId, String side, long seq, String state, String reason, Instant at) {
    }

    private final Pool pool;

    PushInsight(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String name() {
        return "pushes";
    }

    @Override
    public int order() {
        return 35;
    }

    @Override
    public Set<String> tables() {
        return Set.of("push_due", "push_failure");
    }

    @Override
    public Uni<Section> about(Subject s) {
        UUID[] conversations = s.conversationIds().toArray(UUID[]::new);
        return pool.preparedQuery("""
                SELECT conversation_id, side, seq, 'due'::text AS state, NULL::text AS reason, pending_since AS at
                FROM push_due WHERE conversation_id = ANY($1)
                UNION ALL
                SELECT conversation_id, side, seq, 'failed', reason, failed_at FROM push_failure
                WHERE conversation_id = ANY($1)
                ORDER BY at""").execute(Tuple.of((Object) conversations)).map(rows -> {
            List<Item> list = new ArrayList<>();
            for (Row r : rows) {
                list.add(new Item(r.getUUID("conversation_id"), r.getString("side"), r.getLong("seq"),
                        r.getString("state"), r.getString("reason"),
                        r.getOffsetDateTime("at").toInstant()));
            }
            return new Section(name(), "Push-beskeder om dine samtaler", list);
        });
    }
}

package dk.samtale.sms;

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
 * The SMS sent to the citizen about their conversations, for the insight report: what kind (a notice, or a
 * message's text), when, and what became of it (queued, sent, delivered, failed, cancelled and why). Never
 * the number (it is in the phone section) and never the gateway's internals.
 */
@ApplicationScoped
class NoticeInsight implements InsightContributor {

    record Item(UUID id, UUID conversationId, Long seq, String kind, String state, String reason, Integer segments,
            Instant createdAt, Instant sentAt, Instant updatedAt) {
    }

    private final Pool pool;

    NoticeInsight(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String name() {
        return "sms-notices";
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public Set<String> tables() {
        return Set.of("sms_notice");
    }

    @Override
    public Uni<Section> about(Subject s) {
        return pool.preparedQuery("""
                SELECT id, conversation_id, seq, kind, state, reason, segments, created_at, sent_at, updated_at
                FROM sms_notice WHERE tenant_id = $1 AND conversation_id = ANY($2)
                ORDER BY created_at, id""")
                .execute(Tuple.of(s.tenantId(), s.conversationIds().toArray(UUID[]::new))).map(rows -> {
                    List<Item> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(new Item(r.getUUID("id"), r.getUUID("conversation_id"), r.getLong("seq"),
                                r.getString("kind"), r.getString("state"), r.getString("reason"),
                                r.getInteger("segments"), instant(r, "created_at"), instant(r, "sent_at"),
                                instant(r, "updated_at")));
                    }
                    return new Section(name(), "SMS sendt til dig", items);
                });
    }

    private static Instant instant(Row r, String column) {
        var t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}

package dk.samtale.inbox;

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

import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.InsightContributor;

/**
 * Staff's internal notes on the citizen's conversations, for the insight report. A note is personal data
 * about the citizen, so the report always says it exists and when it was written; its text goes only into
 * the report the data protection officer produces ({@code textWithheld} is true in the citizen's own): the
 * law lets the municipality withhold parts after assessing them (Databeskyttelsesloven § 22, e.g. a
 * suspicion of neglect written about a young person), and that assessment is the DPO's, not the app's.
 * Also who has one of the conversations open in the inbox right now (no names: the access log says who).
 */
@ApplicationScoped
class NoteInsight implements InsightContributor {

    /** A note, or ({@code kind} viewing) a conversation open in the inbox now. */
    record Item(String kind, UUID conversationId, Instant at, String authorName, String text, boolean textWithheld) {
        @Override
        public String toString() {
            return "NoteInsight.Item[" + kind + " " + conversationId + "]"; // never the text
        }
    }

    private final Pool pool;
    private final ConversationKeys keys;

    NoteInsight(Pool pool, ConversationKeys keys) {
        this.pool = pool;
        this.keys = keys;
    }

    @Override
    public String name() {
        return "staff-notes";
    }

    @Override
    public int order() {
        return 70;
    }

    @Override
    public Set<String> tables() {
        return Set.of("conversation_note", "inbox_viewer");
    }

    @Override
    public Uni<Section> about(Subject s) {
        boolean dpo = s.audience() == Audience.dpo;
        UUID[] conversations = s.conversationIds().toArray(UUID[]::new);
        return keys.of(s.tenantId(), s.conversationIds()).flatMap(k -> pool.preparedQuery("""
                SELECT 'note' AS kind, n.id, n.conversation_id, n.created_at AS at, s.name AS author_name, n.body_enc
                FROM conversation_note n JOIN staff_member s ON s.id = n.author_id
                WHERE n.conversation_id = ANY($1)
                UNION ALL
                SELECT 'viewing', NULL, v.conversation_id, v.seen_at, NULL, NULL FROM inbox_viewer v
                WHERE v.conversation_id = ANY($1)
                ORDER BY at""").execute(Tuple.of((Object) conversations)).map(rows -> {
            List<Item> items = new ArrayList<>();
            for (Row r : rows) {
                items.add(item(k, s.tenantId(), r, dpo));
            }
            return new Section(name(), "Medarbejdernes notater om dine samtaler", items);
        }));
    }

    private static Item item(TenantKeys k, UUID tenantId, Row r, boolean dpo) {
        boolean note = "note".equals(r.getString("kind"));
        String text = null;
        if (note && dpo) {
            text = k.openOrNull(Notes.binding(tenantId, r.getUUID("conversation_id"), r.getUUID("id")),
                    r.getBuffer("body_enc").getBytes());
        }
        return new Item(r.getString("kind"), r.getUUID("conversation_id"), r.getOffsetDateTime("at").toInstant(),
                note ? r.getString("author_name") : null, text, note && !dpo);
    }
}

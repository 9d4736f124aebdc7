package dk.samtale.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.InsightContributor;

/**
 * What went to the municipality's case system about the citizen, for the insight report: each journal entry
 * of their conversations with its position in the tenant's chain, the case reference it was filed under
 * (case number, KLE class, action facet as known when it was made), its kind, whether the case system has
 * acknowledged it and how its push delivery went. The texts themselves are in the conversations section; an
 * entry whose payload cannot be opened (keys destroyed, payload removed) still shows its position.
 */
@ApplicationScoped
class JournalInsight implements InsightContributor {

    record Item(UUID entryId, long position, UUID conversationId, UUID messageId, String documentType,
            String direction, String caseNumber, String kleClass, String actionFacet, Instant journaledAt,
            boolean acknowledged, String delivery, UUID conversationDocumentOf) {
    }

    private final Pool pool;
    private final ConversationKeys keys;
    private final ObjectMapper json;

    JournalInsight(Pool pool, ConversationKeys keys, ObjectMapper json) {
        this.pool = pool;
        this.keys = keys;
        this.json = json;
    }

    @Override
    public String name() {
        return "journal";
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public Set<String> tables() {
        return Set.of("journal_entry", "journal_delivery", "journal_document");
    }

    @Override
    public Uni<Section> about(Subject s) {
        return keys.of(s.tenantId(), s.conversationIds()).flatMap(k -> pool.preparedQuery("""
                SELECT e.id, e.position, e.conversation_id, e.message_id, e.payload_enc, e.sequenced_at,
                       e.position <= coalesce(jc.acked_position, 0) AS acknowledged, d.state AS delivery,
                       jd.conversation_id AS document_of
                FROM journal_entry e
                LEFT JOIN journal_cursor jc ON jc.tenant_id = e.tenant_id
                LEFT JOIN journal_delivery d ON d.entry_id = e.id
                LEFT JOIN journal_document jd ON jd.entry_id = e.id
                WHERE e.tenant_id = $1 AND e.conversation_id = ANY($2)
                ORDER BY e.position""").execute(Tuple.of(s.tenantId(), s.conversationIds().toArray(UUID[]::new)))
                .map(rows -> {
                    List<Item> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(item(k, s.tenantId(), r));
                    }
                    return new Section(name(), "Journaliseret i kommunens sagssystem", items);
                }));
    }

    private Item item(TenantKeys k, UUID tenantId, Row r) {
        UUID id = r.getUUID("id");
        var sealed = r.getBuffer("payload_enc");
        JsonNode p = payload(
                sealed == null
                        ? null
                        : k.openOrNull(Binding.journalEntry(tenantId, r.getUUID("conversation_id"), id),
                                sealed.getBytes()));
        return new Item(id, r.getLong("position"), r.getUUID("conversation_id"), r.getUUID("message_id"),
                text(p, "documentType"), text(p, "direction"), text(p, "caseNumber"), text(p, "primaryClass"),
                text(p, "actionFacet"), r.getOffsetDateTime("sequenced_at").toInstant(), r.getBoolean("acknowledged"),
                r.getString("delivery"), r.getUUID("document_of"));
    }

    private JsonNode payload(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode payload, String field) {
        JsonNode v = payload == null ? null : payload.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

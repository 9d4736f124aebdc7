package dk.samtale.attachment;

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
 * The files of the citizen's conversations (theirs and staff's) for the insight report: name, type, size,
 * SHA-256, scan state and when; {@code href} is where the citizen's app downloads the content itself
 * (stored as sealed chunks). A file that failed its scan keeps nothing of its content, only the fact.
 */
@ApplicationScoped
class AttachmentInsight implements InsightContributor {

    record Item(UUID id, UUID conversationId, UUID messageId, String fileName, String mediaType, Long sizeBytes,
            String sha256, String state, String uploadedBy, Instant uploadedAt, String href) {
        @Override
        public String toString() {
            return "AttachmentInsight.Item[" + id + "]"; // never the file name
        }
    }

    private final Pool pool;
    private final ConversationKeys keys;

    AttachmentInsight(Pool pool, ConversationKeys keys) {
        this.pool = pool;
        this.keys = keys;
    }

    @Override
    public String name() {
        return "attachments";
    }

    @Override
    public int order() {
        return 25;
    }

    @Override
    public Set<String> tables() {
        return Set.of("attachment", "attachment_chunk");
    }

    @Override
    public Uni<Section> about(Subject s) {
        return keys.of(s.tenantId(), s.conversationIds()).flatMap(k -> pool.preparedQuery("""
                SELECT id, conversation_id, message_id, file_name_enc, media_type, size_bytes, sha256, state,
                       uploader_kind, created_at
                FROM attachment WHERE tenant_id = $1 AND conversation_id = ANY($2) ORDER BY created_at, id""")
                .execute(Tuple.of(s.tenantId(), s.conversationIds().toArray(UUID[]::new))).map(rows -> {
                    List<Item> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(item(k, s.tenantId(), r));
                    }
                    return new Section(name(), "Filer i dine samtaler", items);
                }));
    }

    private static Item item(TenantKeys k, UUID tenantId, Row r) {
        UUID id = r.getUUID("id");
        UUID conversationId = r.getUUID("conversation_id");
        var sha = r.getBuffer("sha256");
        String state = r.getString("state");
        return new Item(id, conversationId, r.getUUID("message_id"),
                k.openOrNull(Intake.fileNameBinding(tenantId, conversationId, id),
                        r.getBuffer("file_name_enc").getBytes()),
                r.getString("media_type"), r.getLong("size_bytes"),
                sha == null ? null : AttachmentRows.hex(sha.getBytes()),
                state, r.getString("uploader_kind"), r.getOffsetDateTime("created_at").toInstant(),
                "accepted".equals(state) ? "/api/v1/conversations/" + conversationId + "/attachments/" + id : null);
    }
}

package dk.samtale.attachment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.MessageFiles;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.ProblemException;

/**
 * Files going with messages (upload-then-send): linked in the message's transaction by one update of the
 * {@code attachment} table, described for message views, frames and the journal. Reactive (these run on
 * the message path's event loop), unlike the upload pipeline.
 *
 * <p>
 * A file can go with a message when it is an accepted upload (scanned clean, cleaned) of the sender in the
 * same conversation that no message carries yet. One still waiting for its scan is refused with
 * {@code attachment-pending} (and Retry-After): the client sends again when the upload's status turns
 * accepted, so a message is never held open while a scanner is away.
 */
@ApplicationScoped
class MessageFileLinks implements MessageFiles {

    // the link and the tenant's limit in one round trip; the row locks it takes keep a second message from
    // linking the same file (it waits, then finds message_id set)
    private static final String LINK = """
            UPDATE attachment SET message_id = $1, client_message_id = $2
            WHERE tenant_id = $3 AND conversation_id = $4 AND uploader_id = $5 AND id = ANY($6)
              AND state = 'accepted' AND message_id IS NULL
            RETURNING id, tenant_id, conversation_id, file_name_enc, media_type, size_bytes, sha256, has_thumbnail,
                      (SELECT max_message_bytes FROM attachment_policy p WHERE p.tenant_id = $3) AS max_message_bytes""";

    private final Pool pool;
    private final ConversationKeys keys;
    private final AttachmentConfig config;

    MessageFileLinks(Pool pool, ConversationKeys keys, AttachmentConfig config) {
        this.pool = pool;
        this.keys = keys;
        this.config = config;
    }

    @Override
    public void check(List<UUID> fileIds) {
        if (fileIds.size() > config.maxFilesPerMessage()) {
            throw Refusals.tooMany(config.maxFilesPerMessage());
        }
        if (fileIds.contains(null)) {
            throw ProblemException.invalid("attachmentIds", "must be attachment ids");
        }
        if (new HashSet<>(fileIds).size() != fileIds.size()) {
            throw ProblemException.invalid("attachmentIds", "names a file more than once");
        }
    }

    @Override
    public Uni<List<File>> link(SqlConnection tx, Link link) {
        Tuple args = Tuple.tuple(List.of(link.messageId(), link.clientMessageId(), link.tenantId(),
                link.conversationId(), link.senderId(), link.fileIds().toArray(UUID[]::new)));
        return tx.preparedQuery(LINK).execute(args).flatMap(rows -> {
            if (rows.size() != link.fileIds().size()) {
                throw new NotLinked();
            }
            long total = 0;
            Long max = null;
            List<Row> list = new ArrayList<>();
            for (Row r : rows) {
                total += r.getLong("size_bytes");
                max = r.getLong("max_message_bytes");
                list.add(r);
            }
            long limit = max != null ? max : config.maxMessageSize().asLongValue();
            if (total > limit) {
                throw Refusals.messageTooLarge(limit);
            }
            return keys.of(link.tenantId(), link.conversationId()).map(k -> inOrder(link.fileIds(), describe(k, list)));
        });
    }

    @Override
    public <T> Uni<T> refusal(Link link) {
        return pool.preparedQuery("""
                SELECT id, state, conversation_id, uploader_id, message_id FROM attachment
                WHERE tenant_id = $1 AND id = ANY($2)""")
                .execute(Tuple.of(link.tenantId(), link.fileIds().toArray(UUID[]::new))).map(rows -> {
                    int pending = 0;
                    int usable = 0;
                    for (Row r : rows) {
                        boolean theirs = r.getUUID("conversation_id").equals(link.conversationId())
                                && r.getUUID("uploader_id").equals(link.senderId())
                                && r.getUUID("message_id") == null;
                        String state = r.getString("state");
                        if (theirs && state.equals(Attachment.State.quarantined.name())) {
                            pending++;
                        } else if (theirs && state.equals(Attachment.State.accepted.name())) {
                            usable++;
                        }
                    }
                    // one that is not theirs (or gone, infected, sent already) outweighs one still scanning:
                    // waiting would not help
                    boolean unusable = usable + pending < link.fileIds().size();
                    throw unusable || pending == 0 ? Refusals.notUsable() : Refusals.pending();
                });
    }

    @Override
    public Uni<Map<UUID, List<File>>> of(UUID tenantId, Map<UUID, List<UUID>> fileIdsByMessage) {
        if (fileIdsByMessage.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        UUID[] ids = fileIdsByMessage.values().stream().flatMap(List::stream).toArray(UUID[]::new);
        return pool.preparedQuery(
                """
                        SELECT id, tenant_id, conversation_id, message_id, file_name_enc, media_type, size_bytes, sha256,
                               has_thumbnail FROM attachment WHERE tenant_id = $1 AND id = ANY($2) AND message_id IS NOT NULL""")
                .execute(Tuple.of(tenantId, ids)).flatMap(rows -> {
                    List<Row> list = new ArrayList<>();
                    Map<UUID, UUID> messageOf = new HashMap<>();
                    rows.forEach(r -> {
                        list.add(r);
                        messageOf.put(r.getUUID("id"), r.getUUID("message_id"));
                    });
                    return keys.of(tenantId, list.stream().map(r -> r.getUUID("conversation_id")).distinct().toList())
                            .map(k -> {
                                Map<UUID, File> described = describe(k, list);
                                Map<UUID, List<File>> out = new HashMap<>();
                                fileIdsByMessage.forEach((message, files) -> out.put(message,
                                        inOrder(files.stream().filter(f -> message.equals(messageOf.get(f))).toList(),
                                                described)));
                                return out;
                            });
                });
    }

    private static Map<UUID, File> describe(TenantKeys k, List<Row> rows) {
        Map<UUID, File> files = new HashMap<>();
        for (Row r : rows) {
            UUID id = r.getUUID("id");
            var sha = r.getBuffer("sha256");
            files.put(id, new File(id,
                    k.openOrNull(Intake.fileNameBinding(r.getUUID("tenant_id"), r.getUUID("conversation_id"), id),
                            r.getBuffer("file_name_enc").getBytes()),
                    r.getString("media_type"), r.getLong("size_bytes"),
                    sha == null ? null : AttachmentRows.hex(sha.getBytes()), r.getBoolean("has_thumbnail")));
        }
        return files;
    }

    private static List<File> inOrder(List<UUID> ids, Map<UUID, File> described) {
        return ids.stream().map(described::get).filter(java.util.Objects::nonNull).toList();
    }
}

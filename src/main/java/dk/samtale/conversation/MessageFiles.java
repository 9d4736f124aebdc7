package dk.samtale.conversation;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The files a message carries. Implemented by the attachment feature, which owns the files and their
 * tables; the conversation feature knows only their ids (the message row's {@code attachment_ids}) and
 * asks this port to link and describe them.
 */
public interface MessageFiles {

    /** One file of a message as its readers see it. {@code sha256}: hex, of the cleaned file that is served. */
    record File(UUID id, String fileName, String mediaType, long size, String sha256, boolean hasThumbnail) {
        @Override
        public String toString() {
            // never the file name (it may hold a person's name or CPR number)
            return "File[" + id + " " + mediaType + "]";
        }
    }

    /**
     * Who links which files to which message: {@code clientMessageId} is the message's idempotency key,
     * {@code senderId} the uploader every file must have.
     */
    record Link(UUID tenantId, UUID conversationId, UUID senderId, UUID messageId, String clientMessageId,
            List<UUID> fileIds) {
    }

    /** Thrown (inside the message transaction, rolling it back) when a named file cannot be linked. */
    final class NotLinked extends RuntimeException {
        public NotLinked() {
            super("a named file cannot go with this message", null, false, false);
        }
    }

    /** Refuses a list of file ids before anything is stored (too many, named twice): a problem. */
    void check(List<UUID> fileIds);

    /**
     * Links the files to the message on the message's own transaction {@code tx}, in the attachment
     * feature's own table, and describes them in the order named. Fails with {@link NotLinked} when one is
     * not an accepted, unlinked upload of the sender in this conversation, or with a problem when they are
     * too large together.
     */
    Uni<List<File>> link(SqlConnection tx, Link link);

    /** Why {@link #link} refused (read after the rollback): a failed Uni with the problem to answer with. */
    <T> Uni<T> refusal(Link link);

    /**
     * The files of these messages of the tenant (message id → the file ids its row names), each list in the
     * order the message named them; a file no longer linked to its message is left out.
     */
    Uni<Map<UUID, List<File>>> of(UUID tenantId, Map<UUID, List<UUID>> fileIdsByMessage);
}

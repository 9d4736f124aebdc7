package dk.samtale.attachment;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ConversationErasure;

/**
 * The attachment feature's part in deleting conversations: every file of them (original, cleaned,
 * thumbnail) and its row. The chunks are deleted in the caller's transaction, which is right for the one
 * FileStore there is (PostgreSQL); a store outside the database would delete after commit instead.
 */
@ApplicationScoped
class AttachmentErasure implements ConversationErasure {

    @Override
    public java.util.Set<String> tables() {
        return java.util.Set.of("attachment_chunk", "attachment");
    }

    @Override
    public String name() {
        return "attachment";
    }

    @Override
    public int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        return ConversationErasure.delete(c, tenantId, conversationIds,
                """
                        DELETE FROM attachment_chunk WHERE attachment_id IN (
                            SELECT id FROM attachment WHERE tenant_id = ? AND conversation_id = ANY(?))""",
                "DELETE FROM attachment WHERE tenant_id = ? AND conversation_id = ANY(?)");
    }
}

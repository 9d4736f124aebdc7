package dk.samtale.conversation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ConversationErasure;

/**
 * The conversation feature's part in deleting conversations, last of all (other features' rows refer to
 * these): corrections, read cursors, what is left of its event log, the messages and the conversation row
 * itself (subject, case reference). The citizen stays: they may have other conversations, and the app
 * account is theirs (a citizen's erasure request removes it separately).
 */
@ApplicationScoped
class ConversationContentErasure implements ConversationErasure {

    @Override
    public java.util.Set<String> tables() {
        return java.util.Set.of("message_correction", "read_cursor", "conversation_event", "message", "conversation");
    }

    @Override
    public String name() {
        return "conversation";
    }

    @Override
    public int order() {
        return 1000;
    }

    @Override
    public int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        return ConversationErasure.delete(c, tenantId, conversationIds,
                """
                        DELETE FROM message_correction WHERE message_id IN (
                            SELECT m.id FROM message m JOIN conversation cv ON cv.id = m.conversation_id
                            WHERE cv.tenant_id = ? AND cv.id = ANY(?))""",
                "DELETE FROM read_cursor WHERE conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ? AND id = ANY(?))",
                "DELETE FROM conversation_event WHERE tenant_id = ? AND conversation_id = ANY(?)",
                "DELETE FROM message WHERE conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ? AND id = ANY(?))",
                "DELETE FROM conversation WHERE tenant_id = ? AND id = ANY(?)");
    }
}

package dk.samtale.inbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ConversationErasure;

/** The inbox's part in deleting conversations: staff notes and who is viewing them. */
@ApplicationScoped
class InboxErasure implements ConversationErasure {

    @Override
    public java.util.Set<String> tables() {
        return java.util.Set.of("conversation_note", "inbox_viewer");
    }

    @Override
    public String name() {
        return "inbox";
    }

    @Override
    public int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        return ConversationErasure.delete(c, tenantId, conversationIds,
                "DELETE FROM conversation_note WHERE conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ? AND id = ANY(?))",
                "DELETE FROM inbox_viewer WHERE conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ? AND id = ANY(?))");
    }
}

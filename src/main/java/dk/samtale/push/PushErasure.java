package dk.samtale.push;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ConversationErasure;

/** Push's part in deleting conversations: pushes still due and recorded push failures. */
@ApplicationScoped
class PushErasure implements ConversationErasure {

    @Override
    public java.util.Set<String> tables() {
        return java.util.Set.of("push_due", "push_failure");
    }

    @Override
    public String name() {
        return "push";
    }

    @Override
    public int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        return ConversationErasure.delete(c, tenantId, conversationIds,
                "DELETE FROM push_due WHERE conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ? AND id = ANY(?))",
                "DELETE FROM push_failure WHERE conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ? AND id = ANY(?))");
    }
}

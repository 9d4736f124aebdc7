package dk.samtale.sms;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ConversationErasure;

/**
 * SMS's part in deleting conversations: the notices (with the number they went to and the gateway's
 * delivery reports) and the incoming SMS that became messages of them.
 */
@ApplicationScoped
class SmsErasure implements ConversationErasure {

    @Override
    public java.util.Set<String> tables() {
        return java.util.Set.of("sms_inbound", "sms_notice");
    }

    @Override
    public String name() {
        return "sms";
    }

    @Override
    public int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        return ConversationErasure.delete(c, tenantId, conversationIds,
                """
                        DELETE FROM sms_inbound WHERE tenant_id = ? AND message_id IN (
                            SELECT id FROM message WHERE conversation_id = ANY(?))""",
                "DELETE FROM sms_notice WHERE tenant_id = ? AND conversation_id = ANY(?)");
    }
}

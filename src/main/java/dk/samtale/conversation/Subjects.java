package dk.samtale.conversation;

import java.util.UUID;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.TenantKeys;

/**
 * The conversation subject at rest: sealed under the conversation's key and bound to its row, because it
 * is free text a citizen types and a name or CPR number ends up there. It is shown to the citizen and
 * staff of the unit only; it never goes into pushes, SMS notices or logs. Rows from before V12 carry it in
 * clear until {@link SubjectSealing} has sealed them; readers pass both columns here.
 */
public final class Subjects {

    private Subjects() {
    }

    public static byte[] seal(TenantKeys k, UUID tenantId, UUID conversationId, String subject) {
        return k.seal(Binding.conversationSubject(tenantId, conversationId), subject);
    }

    /** The subject from its sealed column, or from the clear one of a row not sealed yet; null if unreadable. */
    public static String open(TenantKeys k, UUID tenantId, UUID conversationId, String clear, byte[] sealed) {
        if (sealed == null) {
            return clear;
        }
        return k.openOrNull(Binding.conversationSubject(tenantId, conversationId), sealed);
    }
}

package dk.samtale.inbox;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.crypto.ConversationResealing;
import dk.samtale.crypto.Resealer;

/** Moves staff notes onto their conversation's key. */
@ApplicationScoped
class NoteResealer implements Resealer {

    private final ConversationResealing resealing;

    NoteResealer(ConversationResealing resealing) {
        this.resealing = resealing;
    }

    @Override
    public long reseal(UUID tenant) {
        return resealing.run(tenant, """
                SELECT n.id, n.conversation_id, n.body_enc FROM conversation_note n
                WHERE n.body_key <> 0 AND n.conversation_id IN (SELECT id FROM conversation WHERE tenant_id = $1)
                ORDER BY n.id LIMIT $2 OFFSET $3 FOR UPDATE OF n SKIP LOCKED""",
                r -> new ConversationResealing.Sealed(r.getUUID("conversation_id"),
                        List.of(Notes.binding(tenant, r.getUUID("conversation_id"), r.getUUID("id"))),
                        List.of(r.getBuffer("body_enc").getBytes()), List.of(r.getUUID("id"))),
                "UPDATE conversation_note SET body_enc = $2, body_key = $3 WHERE id = $1");
    }
}

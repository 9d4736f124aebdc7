package dk.samtale.journal;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationResealing;
import dk.samtale.crypto.Resealer;

/** Moves stored journal payloads onto their conversation's key (a redacted entry has none to move). */
@ApplicationScoped
class JournalResealer implements Resealer {

    private final ConversationResealing resealing;

    JournalResealer(ConversationResealing resealing) {
        this.resealing = resealing;
    }

    @Override
    public long reseal(UUID tenant) {
        return resealing.run(tenant, """
                SELECT id, conversation_id, payload_enc FROM journal_entry
                WHERE tenant_id = $1 AND payload_key <> 0 ORDER BY id LIMIT $2 OFFSET $3 FOR UPDATE SKIP LOCKED""",
                r -> new ConversationResealing.Sealed(r.getUUID("conversation_id"),
                        List.of(Binding.journalEntry(tenant, r.getUUID("conversation_id"), r.getUUID("id"))),
                        List.of(r.getBuffer("payload_enc").getBytes()),
                        List.of(r.getUUID("id"))),
                "UPDATE journal_entry SET payload_enc = $2, payload_key = $3 WHERE id = $1");
    }
}

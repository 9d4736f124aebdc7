package dk.samtale.conversation;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationResealing;
import dk.samtale.crypto.Resealer;

/** Moves corrections (text and reason) onto their conversation's key. */
@ApplicationScoped
class CorrectionResealer implements Resealer {

    private final ConversationResealing resealing;

    CorrectionResealer(ConversationResealing resealing) {
        this.resealing = resealing;
    }

    @Override
    public long reseal(UUID tenant) {
        return resealing.run(tenant, """
                SELECT mc.message_id, mc.version, m.conversation_id, mc.body_enc, mc.reason_enc
                FROM message_correction mc JOIN message m ON m.id = mc.message_id
                JOIN conversation c ON c.id = m.conversation_id
                WHERE c.tenant_id = $1 AND mc.data_key <> 0 ORDER BY mc.message_id, mc.version LIMIT $2 OFFSET $3
                FOR UPDATE OF mc SKIP LOCKED""", r -> {
            UUID conversation = r.getUUID("conversation_id");
            UUID message = r.getUUID("message_id");
            int version = r.getInteger("version");
            return new ConversationResealing.Sealed(conversation,
                    List.of(Binding.messageCorrection(tenant, conversation, message, version, "body"),
                            Binding.messageCorrection(tenant, conversation, message, version, "reason")),
                    List.of(r.getBuffer("body_enc").getBytes(), r.getBuffer("reason_enc").getBytes()),
                    List.of(message, version));
        }, "UPDATE message_correction SET body_enc = $3, reason_enc = $4, data_key = $5 WHERE message_id = $1 AND version = $2");
    }
}

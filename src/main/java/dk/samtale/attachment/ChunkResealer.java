package dk.samtale.attachment;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.MessageCipher;
import dk.samtale.crypto.Resealer;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;

/**
 * Moves every stored file (its chunks, every variant) and its sealed name onto its conversation's key (files
 * from before conversations had keys, or under a retired tenant key), one chunk at a time in place: each
 * chunk names its own key, so a run that stops half-way leaves every file readable and the next run finishes
 * it. A chunk that does not open (tampered) is left as it is — it stays an integrity error, never becomes
 * readable.
 */
@ApplicationScoped
class ChunkResealer implements Resealer {

    private static final Logger LOG = Logger.getLogger(ChunkResealer.class);
    private static final int BATCH = 50;

    private final AttachmentRows rows;
    private final FileStore store;
    private final ConversationKeys keys;

    ChunkResealer(AttachmentRows rows, FileStore store, ConversationKeys keys) {
        this.rows = rows;
        this.store = store;
        this.keys = keys;
    }

    @Override
    public long reseal(UUID tenant) {
        long moved = 0;
        UUID after = new UUID(0, 0);
        List<AttachmentRows.Row> batch;
        do {
            batch = rows.sealedUnder(tenant, MessageCipher.CONVERSATION_KEY, after, BATCH);
            if (batch.isEmpty()) {
                break;
            }
            TenantKeys k = keys.creatingMissing(tenant, batch.stream().map(AttachmentRows.Row::conversationId).toList())
                    .await().atMost(Duration.ofSeconds(30));
            for (AttachmentRows.Row r : batch) {
                after = r.id();
                for (FileStore.Variant v : FileStore.Variant.values()) {
                    moved += chunks(tenant, r.conversationId(), k, new FileStore.FileRef(r.id(), v));
                }
                byte[] name = r.fileNameEnc();
                byte[] newName = name;
                var binding = Intake.fileNameBinding(tenant, r.conversationId(), r.id());
                if (MessageCipher.keyIdOf(name) != k.keyIdFor(binding)) {
                    try {
                        newName = k.seal(binding, k.open(binding, name));
                        moved++;
                    } catch (Unreadable e) {
                        LOG.warnf("attachment %s: its name does not open (%s); left as it is", r.id(), e.reason());
                    }
                }
                rows.resealed(r.id(), name, newName, k.keyIdFor(binding));
            }
        } while (batch.size() == BATCH);
        return moved;
    }

    private long chunks(UUID tenant, UUID conversation, TenantKeys k, FileStore.FileRef ref) {
        int count = store.chunkCount(ref);
        long moved = 0;
        for (int i = 0; i < count; i++) {
            byte[] sealed = store.chunk(ref, i);
            var binding = SealedChunks.binding(tenant, conversation, ref, i, i == count - 1);
            if (sealed == null || MessageCipher.keyIdOf(sealed) == k.keyIdFor(binding)) {
                continue;
            }
            try {
                if (store.replace(ref, i, k.sealBytes(binding, k.openBytes(binding, sealed)))) {
                    moved++;
                }
            } catch (Unreadable e) {
                LOG.warnf("attachment %s %s chunk %d does not open (%s); left as it is", ref.attachmentId(),
                        ref.variant(), i, e.reason());
            }
        }
        return moved;
    }
}

package dk.samtale.attachment;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dk.samtale.crypto.MessageCipher;
import dk.samtale.crypto.Resealer;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;

/**
 * After a key rotation, moves every stored file (its chunks, every variant) and its sealed name onto the
 * tenant's active data key, one chunk at a time in place: each chunk names its own key, so a run that
 * stops half-way leaves every file readable and the next run finishes it. A chunk that does not open
 * (tampered) is left as it is — it stays an integrity error, never becomes readable.
 */
@ApplicationScoped
class ChunkResealer implements Resealer {

    private static final Logger LOG = Logger.getLogger(ChunkResealer.class);
    private static final int BATCH = 50;

    private final AttachmentRows rows;
    private final FileStore store;

    ChunkResealer(AttachmentRows rows, FileStore store) {
        this.rows = rows;
        this.store = store;
    }

    @Override
    public long reseal(UUID tenant, TenantKeys k) {
        int active = k.activeKeyId();
        long moved = 0;
        UUID after = new UUID(0, 0);
        List<AttachmentRows.Row> batch;
        do {
            batch = rows.sealedUnder(tenant, active, after, BATCH);
            for (AttachmentRows.Row r : batch) {
                after = r.id();
                for (FileStore.Variant v : FileStore.Variant.values()) {
                    moved += chunks(tenant, k, new FileStore.FileRef(r.id(), v));
                }
                byte[] name = r.fileNameEnc();
                byte[] newName = name;
                if (MessageCipher.keyIdOf(name) != active) {
                    try {
                        newName = k.seal(Intake.fileNameBinding(tenant, r.id()),
                                k.open(Intake.fileNameBinding(tenant, r.id()), name));
                        moved++;
                    } catch (Unreadable e) {
                        LOG.warnf("attachment %s: its name does not open (%s); left as it is", r.id(), e.reason());
                    }
                }
                rows.resealed(r.id(), name, newName, active);
            }
        } while (batch.size() == BATCH);
        return moved;
    }

    private long chunks(UUID tenant, TenantKeys k, FileStore.FileRef ref) {
        int count = store.chunkCount(ref);
        long moved = 0;
        for (int i = 0; i < count; i++) {
            byte[] sealed = store.chunk(ref, i);
            if (sealed == null || MessageCipher.keyIdOf(sealed) == k.activeKeyId()) {
                continue;
            }
            var binding = SealedChunks.binding(tenant, ref, i, i == count - 1);
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

package dk.samtale.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.UUID;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;

/**
 * A file as a run of AES-256-GCM chunks under its conversation's key. Each chunk's associated data names
 * the attachment, the variant, its index and whether it is the last one, so a chunk that is altered,
 * moved to another index or file, dropped from the end or appended after it fails to open. An empty file
 * is one empty last chunk, so every stored file has at least one.
 */
final class SealedChunks {

    static final int CHUNK = 256 * 1024;

    private SealedChunks() {
    }

    static Binding binding(UUID tenant, UUID conversation, FileStore.FileRef ref, int index, boolean last) {
        return new Binding(tenant, conversation, "attachment_chunk", ref.attachmentId(),
                ref.variant().name() + "/" + index + (last ? "/last" : ""));
    }

    /** Seals {@code in} chunk by chunk as they are pulled; holds at most two plaintext chunks. */
    static Iterator<byte[]> sealing(TenantKeys keys, UUID tenant, UUID conversation, FileStore.FileRef ref,
            InputStream in) {
        return new Iterator<>() {
            private byte[] pending = read();
            private int index;
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public byte[] next() {
                if (done) {
                    throw new NoSuchElementException();
                }
                byte[] current = pending;
                pending = current.length < CHUNK ? new byte[0] : read();
                boolean last = pending.length == 0;
                done = last;
                return keys.sealBytes(binding(tenant, conversation, ref, index++, last), current);
            }

            private byte[] read() {
                try {
                    return in.readNBytes(CHUNK);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /**
     * The plaintext of a stored file, opened chunk by chunk as it is read.
     *
     * @throws Unreadable (from a read) when a chunk is missing, altered, moved, or its key was destroyed
     */
    static InputStream opening(TenantKeys keys, UUID tenant, UUID conversation, FileStore store,
            FileStore.FileRef ref) {
        int count = store.chunkCount(ref);
        if (count == 0) {
            throw new Unreadable(Unreadable.Reason.INTEGRITY, "the file has no chunks");
        }
        return new InputStream() {
            private int next;
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos == current.length) {
                    if (next == count) {
                        return -1;
                    }
                    byte[] sealed = store.chunk(ref, next);
                    if (sealed == null) {
                        throw new Unreadable(Unreadable.Reason.INTEGRITY, "chunk " + next + " is missing");
                    }
                    current = keys.openBytes(binding(tenant, conversation, ref, next, next == count - 1), sealed);
                    next++;
                    pos = 0;
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}

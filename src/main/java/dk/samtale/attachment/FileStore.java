package dk.samtale.attachment;

import java.util.Iterator;
import java.util.UUID;

/**
 * Where the (already encrypted) chunks of attachments are kept. The store sees only opaque chunks; the
 * attachment feature seals each one before it gets here and opens it after. Blocking: callers run it on
 * worker threads.
 */
public interface FileStore {

    /** Which stored file of an attachment. */
    enum Variant {
        /** A quarantined upload, kept (encrypted) only until it has been scanned. */
        original,
        /** The cleaned file: what is served, journaled and handed to the case system. */
        clean,
        /** A small JPEG preview of an image. */
        thumbnail
    }

    record FileRef(UUID attachmentId, Variant variant) {
    }

    /**
     * Stores a file's chunks in order, all or nothing. Pulls them one at a time from {@code chunks}, so a
     * large file never has to be in memory at once.
     */
    void write(FileRef ref, Iterator<byte[]> chunks);

    /** How many chunks the file has (0 when there is no such file). */
    int chunkCount(FileRef ref);

    /** Chunk {@code index} (from 0), or null when absent. */
    byte[] chunk(FileRef ref, int index);

    /**
     * Replaces chunk {@code index} of a stored file (re-sealed under another key: same plaintext, same
     * binding); false when there is no such chunk (the file was deleted meanwhile).
     */
    boolean replace(FileRef ref, int index, byte[] data);

    /** Removes the file; removing an absent file is not an error. */
    void delete(FileRef ref);
}

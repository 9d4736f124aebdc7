package dk.samtale.records;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * The access log's hash chain per tenant, like the journal's: each entry's hash is SHA-256 over the previous
 * entry's hash and the entry's own fields in a fixed, length-prefixed encoding (so no two different entries
 * encode alike), starting from 32 zero bytes. Editing, inserting, reordering or removing an entry breaks every
 * hash after it; removing the newest ones is caught against the tenant's head.
 */
final class AccessChain {

    static final byte[] GENESIS = new byte[32];
    private static final String VERSION = "samtale/access-log/v1";

    private AccessChain() {
    }

    /** The hash of an entry with {@code previousHash} before it (the entry's own hash field is ignored). */
    static byte[] hash(byte[] previousHash, AccessEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            text(out, VERSION);
            out.write(previousHash);
            text(out, e.tenantId().toString());
            out.writeLong(e.position());
            text(out, e.id().toString());
            out.writeLong(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, e.at()));
            text(out, e.actorKind());
            text(out, e.actorId() == null ? null : e.actorId().toString());
            text(out, e.actorClient());
            text(out, e.citizenId().toString());
            text(out, e.conversationId() == null ? null : e.conversationId().toString());
            text(out, e.unitId() == null ? null : e.unitId().toString());
            text(out, e.kind());
            text(out, e.purpose());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return sha256(bytes.toByteArray());
    }

    /** Whether the entry chains from {@code previousHash} and its stored hash is its own. */
    static boolean verifies(byte[] previousHash, AccessEntry e) {
        return Arrays.equals(previousHash, e.previousHash()) && Arrays.equals(hash(previousHash, e), e.hash());
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean same(byte[] a, byte[] b) {
        return Objects.nonNull(a) && Arrays.equals(a, b);
    }
}

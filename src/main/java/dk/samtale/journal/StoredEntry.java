package dk.samtale.journal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.TenantKeys;

/**
 * How an entry is stored for serving: its JSON exactly as served, split around the payload. The head
 * ({@code {"id":…,"signature":"…","payload":"}) and the tail ({@code ","envelopedPayload":…}}) hold no
 * personal data and are stored as text; the payload — message text, CPR — is sealed under the
 * tenant's data key. Serving an entry is one decryption of the payload alone (about half the bytes of
 * the whole entry) and two appends.
 *
 * <p>
 * A redacted entry (its conversation was deleted) has no sealed payload: its head is the whole entry as
 * served (no payload, no envelope) and its tail is empty.
 */
final class StoredEntry {

    private static final String PAYLOAD_FIELD = "\"payload\":\"";

    record Parts(String head, String tail) {
    }

    private StoredEntry() {
    }

    static Parts split(String itemJson, String payloadBase64) {
        int at = itemJson.indexOf(PAYLOAD_FIELD + payloadBase64 + "\"");
        if (at < 0) {
            throw new IllegalStateException("the encoded entry has no payload field");
        }
        int from = at + PAYLOAD_FIELD.length();
        return new Parts(itemJson.substring(0, from), itemJson.substring(from + payloadBase64.length()));
    }

    static byte[] seal(TenantKeys k, Binding sealedAs, byte[] payload) {
        return k.seal(sealedAs, new String(payload, StandardCharsets.UTF_8));
    }

    /** The entry as served; fails with Unreadable when the sealed payload was altered or moved. */
    static String json(TenantKeys k, Binding sealedAs, String head, byte[] payloadEnc, String tail) {
        if (payloadEnc == null) {
            return head + tail; // redacted
        }
        String payload = k.open(sealedAs, payloadEnc);
        return head + Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + tail;
    }

    static void appendJson(StringBuilder out, TenantKeys k, Binding sealedAs, String head, byte[] payloadEnc,
            String tail) {
        if (payloadEnc == null) {
            out.append(head).append(tail); // redacted
            return;
        }
        String payload = k.open(sealedAs, payloadEnc);
        out.append(head).append(Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)))
                .append(tail);
    }
}

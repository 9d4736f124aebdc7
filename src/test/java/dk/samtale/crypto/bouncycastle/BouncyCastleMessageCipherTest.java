package dk.samtale.crypto.bouncycastle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import dk.samtale.crypto.MessageCipher;
import dk.samtale.crypto.Unreadable;

class BouncyCastleMessageCipherTest {

    private static final HexFormat HEX = HexFormat.of();
    private final BouncyCastleMessageCipher cipher = new BouncyCastleMessageCipher();

    // AES-256 test cases 13, 14 and 16 of "The Galois/Counter Mode of Operation" (McGrew & Viega),
    // the vectors NIST's GCM validation builds on.
    @Test
    void matchesTheGcmSpecificationVectorsForAes256() throws Exception {
        byte[] zeroKey = new byte[32];
        byte[] zeroNonce = new byte[12];
        assertEquals("530f8afbc74536b9a963b4f1c4cb738b",
                HEX.formatHex(BouncyCastleMessageCipher.gcmEncrypt(zeroKey, zeroNonce, new byte[0], new byte[0])));
        assertEquals("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919",
                HEX.formatHex(BouncyCastleMessageCipher.gcmEncrypt(zeroKey, zeroNonce, new byte[0], new byte[16])));
        byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        byte[] nonce = HEX.parseHex("cafebabefacedbaddecaf888");
        byte[] aad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        byte[] plaintext = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        assertEquals("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" + "76fc6ece0f4e1768cddf8853bb2d551b",
                HEX.formatHex(BouncyCastleMessageCipher.gcmEncrypt(key, nonce, aad, plaintext)));
    }

    @Test
    void roundTripsAndNeverReusesANonce() {
        byte[] key = cipher.newKey();
        byte[] aad = "tenant|message|id|body".getBytes(StandardCharsets.UTF_8);
        byte[] text = "Hej Mette – æøå 😀".getBytes(StandardCharsets.UTF_8);
        byte[] a = cipher.seal(key, 7, aad, text);
        byte[] b = cipher.seal(key, 7, aad, text);
        assertArrayEquals(text, cipher.open(key, aad, a));
        assertEquals(7, MessageCipher.keyIdOf(a));
        assertNotEquals(HEX.formatHex(a), HEX.formatHex(b), "fresh nonce per seal");
        assertEquals(1 + 4 + 12 + text.length + 16, a.length);
    }

    @Test
    void anyChangeToTheValueItsTagItsKeyIdOrItsBindingIsAnIntegrityError() {
        byte[] key = cipher.newKey();
        byte[] aad = "row-1|body".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = cipher.seal(key, 3, aad, "fortroligt".getBytes(StandardCharsets.UTF_8));
        byte[] body = sealed.clone();
        body[1 + 4 + 12] ^= 1;
        byte[] tag = sealed.clone();
        tag[tag.length - 1] ^= 1;
        byte[] keyId = sealed.clone();
        keyId[4] ^= 1;
        for (byte[] tampered : new byte[][]{body, tag, keyId}) {
            assertEquals(Unreadable.Reason.INTEGRITY,
                    assertThrows(Unreadable.class, () -> cipher.open(key, aad, tampered)).reason());
        }
        assertThrows(Unreadable.class, () -> cipher.open(key, "row-2|body".getBytes(StandardCharsets.UTF_8), sealed));
        assertThrows(Unreadable.class, () -> cipher.open(cipher.newKey(), aad, sealed));
    }

    @Test
    void blindIndexIsHmacSha256() {
        // RFC 4231 test case 2
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HEX.formatHex(cipher.mac("Jefe".getBytes(StandardCharsets.UTF_8),
                        "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8))));
    }
}

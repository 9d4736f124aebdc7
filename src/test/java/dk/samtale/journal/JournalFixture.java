package dk.samtale.journal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.restassured.path.json.JsonPath;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.Waiting;

/** The journal tests' tenant "journalby" (db/testdata/V1002__journal.sql) and helpers. */
final class JournalFixture {

    static final String UNIT_J = "00000000-0000-7000-8000-0000000000d1";
    static final String CPR_J = "0404044444";

    private JournalFixture() {
    }

    static String citizen() {
        return Tokens.citizen("journalby", CPR_J, "Jens Jensen");
    }

    static String staff() {
        return Tokens.staff("journalby", "jane", "Jane Juul", "unit-j");
    }

    static String reader() {
        return Tokens.service("journalby", "sbsys", "journal-reader");
    }

    static String admin() {
        return Tokens.service("journalby", "ops", "admin");
    }

    static JsonPath page(String query) {
        return Api.as(reader()).get("/api/v1/journal/entries" + (query.isEmpty() ? "" : "?" + query)).then()
                .statusCode(200).extract().jsonPath();
    }

    static long head() {
        return page("limit=1").getLong("headPosition");
    }

    /** The entry of a message, once sequenced. */
    static Map<String, Object> entryOf(String messageId, long after) {
        return entryWhere(i -> messageId.equals(i.get("messageId")), after, "the entry of message " + messageId);
    }

    /** The first entry after that position that matches, once sequenced. */
    static Map<String, Object> entryWhere(Predicate<Map<String, Object>> match, long after, String what) {
        Map<String, Object>[] found = new Map[1];
        await(() -> {
            List<Map<String, Object>> items = page("after=" + after + "&limit=1000").getList("items");
            found[0] = items.stream().filter(match).findFirst().orElse(null);
            return found[0] != null;
        }, what);
        return found[0];
    }

    static byte[] payload(Map<String, Object> item) {
        return Base64.getDecoder().decode((String) item.get("payload"));
    }

    static JsonPath document(Map<String, Object> item) {
        return new JsonPath(new String(payload(item), StandardCharsets.UTF_8));
    }

    static void await(BooleanSupplier condition, String what) {
        Waiting.until(condition, what);
    }

    /** A case system's RSA key pair with a self-signed certificate, as PEM. */
    record CaseSystem(KeyPair keys, String certificatePem) {
        static CaseSystem generate() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            X500Name name = new X500Name("CN=SBSYS test");
            var cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)),
                    Date.from(Instant.now().plus(Duration.ofDays(1))), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            return new CaseSystem(pair, Pem.encode("CERTIFICATE", cert.getEncoded()));
        }
    }
}

package dk.samtale.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** SSRF: which push and token URLs a tenant admin may set, and what a name may resolve to on connect. */
class EndpointPolicyTest {

    /** Names for the test, so nothing depends on real DNS. */
    private static final Map<String, String> DNS = Map.of("cases.varde.dk", "203.0.113.10", "metadata.example",
            "169.254.169.254", "db.internal", "10.0.0.5", "mixed.example", "203.0.113.11");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.equals("mixed.example")) {
            // a name with one public and one private address is refused: the client could pick either
            return new InetAddress[]{InetAddress.getByName("203.0.113.11"), InetAddress.getByName("192.168.1.10")};
        }
        String a = DNS.get(host);
        if (a == null && !Character.isDigit(host.charAt(0)) && !host.contains(":")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[]{InetAddress.getByName(a == null ? host : a)};
    }

    private static final EndpointPolicy STRICT = new EndpointPolicy(false, List.of(), List.of("203.0.113.128/25"),
            EndpointPolicyTest::resolve);

    private static final String REFUSED = "must not point at a loopback, link-local, private or cluster address";

    @Test
    void acceptsAnHttpsUrlOfAPublicHost() {
        assertEquals(Optional.empty(), STRICT.check("https://cases.varde.dk/journal"));
        assertEquals(Optional.empty(), STRICT.check("https://203.0.113.10:8443/journal"));
    }

    @Test
    void refusesPlainHttpUnlessInsecureIsAllowed() {
        assertEquals(Optional.of("must be an https URL"), STRICT.check("http://cases.varde.dk/journal"));
        assertEquals(Optional.of("must be an https URL"), STRICT.check("ftp://cases.varde.dk/journal"));
        var local = new EndpointPolicy(true, List.of(), List.of(), EndpointPolicyTest::resolve);
        assertEquals(Optional.empty(), local.check("http://cases.varde.dk/journal"));
    }

    @Test
    void refusesLoopbackLinkLocalPrivateAndClusterAddresses() {
        for (String url : List.of("https://127.0.0.1/", "https://127.0.0.2:8443/", "https://[::1]/", "https://0.0.0.0/",
                "https://[::ffff:127.0.0.1]/", "https://169.254.169.254/latest/meta-data", "https://metadata.example/",
                "https://10.0.0.5/", "https://db.internal/", "https://172.16.3.4/", "https://192.168.1.1/",
                "https://100.64.0.1/", "https://[fd00::1]/", "https://[fe80::1]/", "https://[::2]/",
                "https://[64:ff9b::a00:1]/", "https://224.0.0.1/",
                "https://mixed.example/", "https://203.0.113.200/")) {
            assertEquals(Optional.of(REFUSED), STRICT.check(url), url);
        }
    }

    @Test
    void refusesUserInfoAndHostsThatDoNotResolve() {
        assertEquals(Optional.of("must be an absolute https URL without user info or fragment"),
                STRICT.check("https://user:pw@cases.varde.dk/"));
        assertEquals(Optional.of("must be an absolute https URL without user info or fragment"),
                STRICT.check("/relative"));
        assertEquals(Optional.of("host does not resolve"), STRICT.check("https://nowhere.example/"));
    }

    @Test
    void allowedNetworksOpenAPrivateRangeOnPurpose() throws Exception {
        var onPrem = new EndpointPolicy(false, List.of("10.0.0.0/24"), List.of(), EndpointPolicyTest::resolve);
        assertEquals(Optional.empty(), onPrem.check("https://db.internal/"));
        assertEquals(Optional.of(REFUSED), onPrem.check("https://10.0.1.5/"));
        assertEquals(Optional.of(REFUSED), onPrem.check("https://127.0.0.1/"));
        assertThrows(EndpointPolicy.RefusedAddress.class, () -> onPrem.resolve("metadata.example"));
        assertEquals("10.0.0.5", onPrem.resolve("db.internal")[0].getHostAddress());
    }
}

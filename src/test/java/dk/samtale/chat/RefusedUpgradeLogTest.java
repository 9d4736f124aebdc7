package dk.samtale.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.WsClient;

/**
 * A stranger who sends refused upgrades (bad, expired, foreign or tenant-less tokens) cannot flood the
 * service log: each refusal costs at most one short reason line (DEBUG/INFO), never a stack trace and
 * never the token.
 */
@QuarkusTest
class RefusedUpgradeLogTest {

    static final Path LOG = Path.of("target/test-service.log");
    private static final int UPGRADES = 1_000;

    @Test
    void manyRefusedUpgradesAddAtMostOneShortLinePerRequestAndNoStackTrace() throws Exception {
        List<String> tokens = List.of("garbage", "not.a.jwt",
                Tokens.citizenBuilder("testby", Api.CPR_A, "Anna", Tokens.SUBSTANTIAL)
                        .expiresAt(Instant.now().minus(1, ChronoUnit.HOURS)).sign("citizen-testby"),
                Tokens.citizenBuilder("testby", Api.CPR_A, "Anna", Tokens.SUBSTANTIAL).sign("rogue", "citizen-testby"),
                // a valid token of a trusted issuer whose tenant has not been created yet
                Tokens.citizen("nyby", "0505055555", "Nina Ny"));
        long before = Files.size(LOG);
        for (int i = 0; i < UPGRADES; i++) {
            String token = tokens.get(i % tokens.size());
            int status = i % 2 == 0
                    ? WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer " + token))
                    : WsClient.upgradeStatus(WsClient.browserOptions(token));
            assertEquals(401, status, "upgrade with token #" + (i % tokens.size()));
        }
        Thread.sleep(300); // let the last lines reach the file
        String added = tail(before);
        long lines = added.lines().count();
        // the access log writes one line per request; the reason at most one more
        assertTrue(lines <= 2L * UPGRADES + 10, "refused upgrades added " + lines + " log lines");
        assertTrue(added.length() < UPGRADES * 400L, "refused upgrades added " + added.length() + " bytes of log");
        assertFalse(added.contains("\tat "), "a refused upgrade logged a stack trace:\n" + firstLines(added));
        assertFalse(added.contains("ERROR"), "a refused upgrade logged an ERROR:\n" + firstLines(added));
        for (String token : tokens) {
            if (token.length() > 20) {
                assertFalse(added.contains(token.substring(token.lastIndexOf('.') + 1)), "a token reached the log");
            }
        }
    }

    /** What the service log gained since it was {@code from} bytes long. */
    static String tail(long from) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(LOG.toFile(), "r")) {
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String firstLines(String text) {
        return text.lines().limit(40).reduce("", (a, b) -> a + b + "\n");
    }
}

package dk.samtale.push.firebase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dk.samtale.push.PushNotifier;

/**
 * Without usable credentials the service gets a disabled notifier, which says why (the same text goes
 * to health, see PushHealth; TwoReplicasIT checks it on the packaged service).
 */
class FirebaseSetupTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void noCredentialsFileMeansDisabledWithAReason() {
        PushNotifier n = FirebaseSetup.create(Optional.empty(), Optional.empty(), Optional.empty(), CLOCK);
        assertFalse(n.enabled());
        assertEquals("disabled: no Firebase credentials", n.status());
        assertThrows(IllegalStateException.class, () -> n.send(List.of()));
    }

    @Test
    void anUnreadableOrBrokenCredentialsFileAlsoDisablesPushInsteadOfFailingTheStart() throws Exception {
        PushNotifier missing = FirebaseSetup.create(Optional.of(Path.of("/nonexistent/service-account.json")),
                Optional.empty(), Optional.empty(), CLOCK);
        assertEquals("disabled: no Firebase credentials", missing.status(), "an empty Secret mount");
        Path broken = Files.createTempFile("service-account", ".json");
        Files.writeString(broken, "{\"type\": \"service_account\"}");
        PushNotifier unusable = FirebaseSetup.create(Optional.of(broken), Optional.empty(), Optional.empty(), CLOCK);
        assertFalse(unusable.enabled());
        assertEquals("disabled: Firebase credentials unusable", unusable.status());
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertEquals(Duration.ofSeconds(7), FcmPushNotifier.parseRetryAfter("7", CLOCK));
        assertEquals(Duration.ofSeconds(90),
                FcmPushNotifier.parseRetryAfter("Mon, 23 Nov 2026 12:01:30 GMT", CLOCK));
        assertEquals(Duration.ZERO, FcmPushNotifier.parseRetryAfter("Mon, 23 Nov 2026 11:00:00 GMT", CLOCK));
        assertNull(FcmPushNotifier.parseRetryAfter("soon", CLOCK));
    }
}

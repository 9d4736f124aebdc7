package dk.samtale.push;

import java.time.Instant;
import java.util.UUID;

/** A registered device as its owner sees it (never the token). */
public record Device(UUID id, PushNotifier.Platform platform, String appVersion, String locale, Instant createdAt,
        Instant lastSeenAt) {
}

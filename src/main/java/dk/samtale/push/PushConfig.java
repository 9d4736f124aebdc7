package dk.samtale.push;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Push notifications: where the Firebase credentials are, and how the relay paces itself. */
@ConfigMapping(prefix = "samtale.push")
public interface PushConfig {

    /**
     * The Firebase service-account JSON file (a mounted Kubernetes Secret, e.g.
     * /var/run/secrets/samtale/firebase/service-account.json). Unset: push is disabled; chat works.
     */
    Optional<Path> credentialsFile();

    /** The Firebase project; by default the one named in the credentials file. */
    Optional<String> projectId();

    /**
     * Root URL of the FCM API. Unset (production): Google's. The tests point it at a local fake FCM;
     * the real SDK then sends there instead of fcm.googleapis.com.
     */
    Optional<URI> fcmUrl();

    /**
     * How long after a message commits its push waits: a recipient whose device confirms delivery
     * (a {@code delivered} frame on the socket, any replica) within this time gets no push.
     */
    @WithDefault("PT3S")
    Duration grace();

    /** How often each replica's relay looks for due pushes. */
    @WithDefault("PT0.5S")
    Duration pollInterval();

    /** Due pushes claimed per round. */
    @WithDefault("100")
    int batchSize();

    /**
     * Threads that resolve and settle claimed pushes (they wait on the database); the blocking Firebase
     * SDK runs on the relay's own thread and the SDK's pool — never the event loop.
     */
    @WithDefault("8")
    int senderThreads();

    /** Send attempts for one push before it is recorded as failed. */
    @WithDefault("6")
    int maxAttempts();

    /** First retry delay; doubles per attempt, with jitter; Retry-After wins when it is longer. */
    @WithDefault("PT2S")
    Duration backoffBase();

    /** Longest retry delay (also caps a server's Retry-After). */
    @WithDefault("PT10M")
    Duration backoffMax();

    /**
     * How long a claimed push is reserved for the replica that claimed it; if that replica dies while
     * sending, another one takes the push over after this time.
     */
    @WithDefault("PT2M")
    Duration lease();

    /** How long FCM/APNs keep trying to reach an offline device (Android TTL, apns-expiration). */
    @WithDefault("PT24H")
    Duration ttl();
}

package dk.samtale.push;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends content-free notifications to devices: a generic text, a badge and ids only — never message
 * text or personal data, because the push passes through Apple and Google.
 *
 * <p>
 * Contract: {@link #send} blocks until every answer is in, so it runs on worker threads, never the
 * event loop. It returns one {@link Outcome} per notification, in order, and does not throw for an
 * answer of the push service: expected answers (token gone, slow down) are outcomes, not exceptions.
 */
public interface PushNotifier {

    /** False when push is not configured: nothing can be sent (health and metrics say so). */
    boolean enabled();

    /** Why push is disabled, or "enabled". */
    String status();

    List<Outcome> send(List<Notification> notifications);

    enum Platform {
        android, ios, web
    }

    /**
     * One notification for one device.
     *
     * @param collapseKey notifications with the same key replace each other (one per conversation)
     * @param data ids only (conversationId, seq)
     * @param badge the recipient's unread count
     * @param ttl how long the push service keeps trying to reach an offline device
     */
    record Notification(PushToken token, Platform platform, String title, String body, String collapseKey,
            Map<String, String> data, int badge, Duration ttl) {
    }

    /** What became of one notification. */
    sealed interface Outcome {

        /** Accepted by the push service. */
        record Sent() implements Outcome {
        }

        /** The token is no longer valid for us (app uninstalled, another sender, malformed): forget it. */
        record TokenInvalid(String reason) implements Outcome {
        }

        /** Worth trying again later; {@code retryAfter} is the service's wish, or null. */
        record Retry(String reason, Duration retryAfter) implements Outcome {
        }

        /** Retrying will not help (e.g. our credentials are refused). */
        record Failed(String reason) implements Outcome {
        }
    }
}

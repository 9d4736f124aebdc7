package dk.samtale.push.firebase;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.google.firebase.FirebaseApp;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.AndroidNotification;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.BatchResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.SendResponse;
import com.google.firebase.messaging.WebpushConfig;

import dk.samtale.push.PushNotifier;

/**
 * {@link PushNotifier} on the Firebase Admin SDK (FCM HTTP v1). Several devices go out as one
 * {@code sendEach}. The SDK blocks, so this runs on the relay's sender threads. FCM's answers become
 * outcomes: UNREGISTERED, SENDER_ID_MISMATCH and INVALID_ARGUMENT (our messages are fixed-form, so an
 * invalid argument is the token) mean the token is gone; QUOTA_EXCEEDED, UNAVAILABLE and INTERNAL are
 * retried, with the server's Retry-After.
 */
public final class FcmPushNotifier implements PushNotifier {

    private final FirebaseApp app;
    private final FirebaseMessaging messaging;
    private final Clock clock;

    public FcmPushNotifier(FirebaseApp app, Clock clock) {
        this.app = app;
        this.messaging = FirebaseMessaging.getInstance(app);
        this.clock = clock;
    }

    FirebaseApp app() {
        return app;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public String status() {
        return "enabled";
    }

    @Override
    public List<Outcome> send(List<Notification> notifications) {
        if (notifications.isEmpty()) {
            return List.of();
        }
        List<Message> messages = notifications.stream().map(this::message).toList();
        try {
            BatchResponse batch = messaging.sendEach(messages);
            return batch.getResponses().stream().map(FcmPushNotifier::outcome).toList();
        } catch (FirebaseMessagingException e) {
            Outcome o = outcome(e);
            return notifications.stream().map(n -> o).toList();
        }
    }

    private Message message(Notification n) {
        long ttlSeconds = n.ttl().toSeconds();
        return Message.builder()
                .setToken(n.token().value())
                .setNotification(com.google.firebase.messaging.Notification.builder().setTitle(n.title())
                        .setBody(n.body()).build())
                .putAllData(n.data())
                .setAndroidConfig(AndroidConfig.builder()
                        // high: shown at once even when the phone dozes (it is a user-visible notification)
                        .setPriority(AndroidConfig.Priority.HIGH)
                        .setTtl(n.ttl().toMillis())
                        .setCollapseKey(n.collapseKey())
                        .setNotification(AndroidNotification.builder().setTag(n.collapseKey())
                                .setNotificationCount(n.badge()).build())
                        .build())
                .setApnsConfig(ApnsConfig.builder()
                        .putHeader("apns-push-type", "alert")
                        .putHeader("apns-priority", "10")
                        .putHeader("apns-collapse-id", n.collapseKey())
                        .putHeader("apns-expiration", String.valueOf(clock.instant().getEpochSecond() + ttlSeconds))
                        .setAps(Aps.builder().setBadge(n.badge()).setSound("default").setThreadId(n.collapseKey())
                                .build())
                        .build())
                .setWebpushConfig(WebpushConfig.builder()
                        .putHeader("TTL", String.valueOf(ttlSeconds))
                        .putHeader("Urgency", "high")
                        // Topic: at most 32 URL-safe characters; a newer push with the same topic replaces it
                        .putHeader("Topic", topic(n.collapseKey()))
                        .build())
                .build();
    }

    private static String topic(String collapseKey) {
        String t = collapseKey.replaceAll("[^A-Za-z0-9_-]", "");
        return t.length() > 32 ? t.substring(0, 32) : t;
    }

    private static Outcome outcome(SendResponse r) {
        return r.isSuccessful() ? new Outcome.Sent() : outcome(r.getException());
    }

    static Outcome outcome(FirebaseMessagingException e) {
        MessagingErrorCode code = e.getMessagingErrorCode();
        if (code != null) {
            String reason = code.name().toLowerCase();
            return switch (code) {
                case UNREGISTERED, SENDER_ID_MISMATCH, INVALID_ARGUMENT -> new Outcome.TokenInvalid(reason);
                case QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL -> new Outcome.Retry(reason, retryAfter(e));
                case THIRD_PARTY_AUTH_ERROR -> new Outcome.Failed(reason);
            };
        }
        com.google.firebase.ErrorCode platform = e.getErrorCode();
        String reason = platform == null ? "unknown" : platform.name().toLowerCase();
        if (platform == null) {
            return new Outcome.Retry(reason, null);
        }
        return switch (platform) {
            // overload, outages and network failures (no HTTP answer at all: UNKNOWN) pass
            case RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, UNKNOWN, ABORTED ->
                new Outcome.Retry(reason, retryAfter(e));
            default -> new Outcome.Failed(reason);
        };
    }

    /** The server's Retry-After (seconds or an HTTP date), or null. */
    static Duration retryAfter(FirebaseMessagingException e) {
        IncomingHttpResponse response = e.getHttpResponse();
        if (response == null || response.getHeaders() == null) {
            return null;
        }
        Object value = null;
        for (var h : response.getHeaders().entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase("retry-after")) {
                value = h.getValue();
            }
        }
        if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        return value == null ? null : parseRetryAfter(value.toString().trim(), Clock.systemUTC());
    }

    static Duration parseRetryAfter(String value, Clock clock) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }
}

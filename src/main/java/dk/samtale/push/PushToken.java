package dk.samtale.push;

/**
 * A device's push token (FCM registration token). It addresses one app installation, so it is
 * treated as a secret: never logged, never in a URL, stored sealed; {@link #toString()} hides it.
 */
public record PushToken(String value) {

    public PushToken {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("empty push token");
        }
    }

    @Override
    public String toString() {
        return "PushToken[REDACTED]";
    }
}

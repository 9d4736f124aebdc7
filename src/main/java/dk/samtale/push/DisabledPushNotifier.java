package dk.samtale.push;

import java.util.List;

/** Push without configuration: sends nothing and says why (the service works without push). */
public final class DisabledPushNotifier implements PushNotifier {

    private final String reason;

    public DisabledPushNotifier(String reason) {
        this.reason = reason;
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public String status() {
        return "disabled: " + reason;
    }

    @Override
    public List<Outcome> send(List<Notification> notifications) {
        throw new IllegalStateException("push is disabled: " + reason);
    }
}

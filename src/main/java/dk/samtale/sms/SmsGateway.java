package dk.samtale.sms;

import io.smallrye.mutiny.Uni;

/**
 * Sends one SMS through an SMS gateway. Expected outcomes are values, not exceptions: the relay
 * retries {@link Sent.Retry} with backoff and gives up on {@link Sent.Rejected}.
 *
 * <p>
 * Idempotency: {@code userref} is the notice id; the relay claims a notice before sending, so one
 * notice is handed to the gateway once per attempt that did not get an answer.
 */
public interface SmsGateway {

    /** Whether the gateway is configured; when not, nothing is sent and notices wait. */
    boolean enabled();

    Uni<Sent> send(OutgoingSms sms);

    /** One SMS to one recipient. */
    record OutgoingSms(String sender, String msisdn, String text, String userref, Segments.Count count) {
        @Override
        public String toString() {
            // never the number or the text
            return "OutgoingSms[" + userref + ", " + count.segments() + " segments]";
        }
    }

    sealed interface Sent {
        /** The gateway took it; {@code gatewayId} is what its delivery reports name. */
        record Accepted(long gatewayId) implements Sent {
        }

        /**
         * Not taken now (5xx, 429, timeout, network): try again later. {@code maybeTaken}: the request may
         * have reached the gateway (a timeout waiting for the answer), so it may still send it.
         */
        record Retry(String reason, boolean maybeTaken) implements Sent {
        }

        /** Refused for good (4xx: bad number, bad sender, no credit). */
        record Rejected(String reason) implements Sent {
        }
    }
}

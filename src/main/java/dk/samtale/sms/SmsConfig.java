package dk.samtale.sms;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * SMS settings of the service. Per-tenant settings (sender, receiving number, escalation delay, quiet
 * hours, auto-reply) live in the table {@code sms_tenant}, because operators change them per
 * municipality without a redeploy.
 */
@ConfigMapping(prefix = "samtale.sms")
public interface SmsConfig {

    /** How often the relay looks for SMS that are due. */
    @WithDefault("2s")
    Duration pollInterval();

    /** SMS claimed per relay pass. */
    @WithDefault("20")
    int batchSize();

    /** Gateway attempts (5xx, timeouts) before a notice is given up as failed. */
    @WithDefault("8")
    int maxAttempts();

    /** First retry delay after a gateway failure; doubles per attempt up to {@link #maxBackoff()}. */
    @WithDefault("5s")
    Duration backoff();

    @WithDefault("10m")
    Duration maxBackoff();

    /**
     * After a timeout the gateway may have taken the SMS: wait at least this long before trying again,
     * so that its delivery report (which names our userref) can arrive first and make a resend needless.
     */
    @WithDefault("2m")
    Duration uncertainRetryDelay();

    /** How long a relay holds a claimed notice before another replica may take it over. */
    @WithDefault("2m")
    Duration lease();

    /** Price of one SMS segment (for the monthly cost metric), in the account's currency. */
    @WithDefault("0.0")
    double costPerSegment();

    GatewayApi gatewayapi();

    /** GatewayAPI (gatewayapi.com). Without a token, SMS is disabled and the service runs without it. */
    interface GatewayApi {

        @WithDefault("https://gatewayapi.com")
        String baseUrl();

        /** API token (secret: from a mounted Secret or environment variable, never committed). */
        Optional<String> token();

        /** Shared secret of the webhooks' HS256 signature (X-Gwapi-Signature). Without it webhooks answer 401. */
        Optional<String> webhookSecret();

        /** Public URL of the delivery-report webhook, sent with every SMS as callback_url. */
        Optional<String> callbackUrl();

        @WithDefault("10s")
        Duration timeout();

        /** How old (by iat) a webhook signature may be; a token is accepted once within this window. */
        @WithDefault("5m")
        Duration signatureWindow();
    }
}

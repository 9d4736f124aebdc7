package dk.samtale.sms.gatewayapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.sms.SmsConfig;

/**
 * Checks GatewayAPI's webhook signature: an HS256 JWT in {@code X-Gwapi-Signature}, signed with the
 * shared secret, whose claims are the webhook's payload. Accepted only when the signature verifies
 * (HS256 only, no "none") and is canonically encoded, {@code iat} is within the signature window
 * (either way, for clock skew), {@code exp} (if any) has not passed, every field of the body is a claim
 * of the token with the same value (a token cannot be put on another body: a new text, another
 * number, another delivery state), and the signature has not been accepted before (replay:
 * remembered until its window ends, by its decoded bytes, so a re-encoding of a captured signature —
 * a trailing {@code =}, {@code +}/{@code /} for {@code -}/{@code _}, other unused low bits in the last
 * character — is the same signature). Anything else is 401 and changes nothing.
 */
@ApplicationScoped
public class WebhookSignature {

    private static final Logger LOG = Logger.getLogger(WebhookSignature.class);

    private final SmsConfig.GatewayApi config;
    private final Pool pool;
    private final Clock clock;

    WebhookSignature(SmsConfig config, Pool pool, Clock clock) {
        this.config = config.gatewayapi();
        this.pool = pool;
        this.clock = clock;
    }

    /** Verifies the token for this request body; fails with 401 when it is not good. */
    public Uni<Void> verify(String token, JsonNode body) {
        if (config.webhookSecret().isEmpty() || token == null || token.isBlank()) {
            return Uni.createFrom().failure(refused("missing signature"));
        }
        byte[] signature = canonicalSignature(token.strip());
        if (signature == null) {
            return Uni.createFrom().failure(refused("non-canonical signature"));
        }
        Instant now = clock.instant();
        JwtClaims claims;
        try {
            JwtConsumer consumer = new JwtConsumerBuilder()
                    .setVerificationKey(new HmacKey(config.webhookSecret().get().getBytes(StandardCharsets.UTF_8)))
                    .setRelaxVerificationKeyValidation() // GatewayAPI secrets may be shorter than 256 bits
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                            AlgorithmIdentifiers.HMAC_SHA256)
                    .setRequireIssuedAt()
                    .setSkipDefaultAudienceValidation()
                    .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
                    .build();
            claims = consumer.processToClaims(token.strip());
            Instant iat = Instant.ofEpochSecond(claims.getIssuedAt().getValue());
            Duration window = config.signatureWindow();
            if (iat.isBefore(now.minus(window)) || iat.isAfter(now.plus(window))) {
                return Uni.createFrom().failure(refused("stale signature"));
            }
            if (!coversBody(claims, body)) {
                return Uni.createFrom().failure(refused("signature for another request"));
            }
        } catch (Exception e) {
            return Uni.createFrom().failure(refused("invalid signature"));
        }
        Instant expires = now.plus(config.signatureWindow()).plus(config.signatureWindow());
        return pool.preparedQuery("INSERT INTO sms_webhook_token (token_hash, expires_at) VALUES ($1, $2) "
                + "ON CONFLICT DO NOTHING RETURNING 1")
                .execute(Tuple.of(Buffer.buffer(sha256(signature)), Times.utc(expires)))
                .flatMap(rows -> rows.size() == 0
                        ? Uni.createFrom().<Void>failure(refused("replayed signature"))
                        : Uni.createFrom().voidItem());
    }

    /** Forgets an accepted token whose request then failed, so the gateway's retry is not refused. */
    public Uni<Void> forget(String token) {
        return pool.preparedQuery("DELETE FROM sms_webhook_token WHERE token_hash = $1")
                .execute(Tuple.of(Buffer.buffer(sha256(canonicalSignature(token.strip()))))).replaceWithVoid();
    }

    private static ProblemException refused(String why) {
        LOG.warnf("SMS webhook refused: %s", why);
        return new ProblemException(ErrorCode.WEBHOOK_SIGNATURE, "The webhook signature is missing or invalid");
    }

    /**
     * The signature's bytes, or null unless its base64url text is the one canonical encoding of them
     * (no padding, no {@code +}/{@code /}, zero unused bits): Java's decoder, like most, accepts several
     * texts for the same bytes.
     */
    static byte[] canonicalSignature(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[2].matches("[A-Za-z0-9_-]+")) {
            return null;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(parts[2]);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(parts[2]) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** GatewayAPI signs the payload itself: each field of the body must be a claim with the same value. */
    private static boolean coversBody(JwtClaims claims, JsonNode body) {
        var fields = body.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            Object claim = claims.getClaimValue(field.getKey());
            JsonNode value = field.getValue();
            if (value.isNull()) {
                if (claim != null) {
                    return false;
                }
            } else if (claim == null || !value.isValueNode() || !sameScalar(claim, value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameScalar(Object claim, JsonNode value) {
        if (value.isNumber()) {
            return claim instanceof Number n && new java.math.BigDecimal(n.toString())
                    .compareTo(value.decimalValue()) == 0;
        }
        if (value.isBoolean()) {
            return claim instanceof Boolean b && b == value.booleanValue();
        }
        return claim instanceof String text && text.equals(value.textValue());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dk.samtale.sms.gatewayapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

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
 * shared secret. Accepted only when the signature verifies (HS256 only, no "none"), {@code iat} is
 * within the signature window (either way, for clock skew), {@code exp} (if any) has not passed, an
 * {@code id} claim (if any) names the same SMS as the body (a token cannot be moved onto another
 * request), and the token has not been accepted before (replay: remembered until its window ends).
 * Anything else is 401 and changes nothing.
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

    /** Verifies the token for a request about the SMS {@code bodyId}; fails with 401 when it is not good. */
    public Uni<Void> verify(String token, String bodyId) {
        if (config.webhookSecret().isEmpty() || token == null || token.isBlank()) {
            return Uni.createFrom().failure(refused("missing signature"));
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
            Object id = claims.getClaimValue("id");
            if (id != null && !Objects.equals(String.valueOf(id), bodyId)) {
                return Uni.createFrom().failure(refused("signature for another request"));
            }
        } catch (Exception e) {
            return Uni.createFrom().failure(refused("invalid signature"));
        }
        Instant expires = now.plus(config.signatureWindow()).plus(config.signatureWindow());
        return pool.preparedQuery("INSERT INTO sms_webhook_token (token_hash, expires_at) VALUES ($1, $2) "
                + "ON CONFLICT DO NOTHING RETURNING 1")
                .execute(Tuple.of(Buffer.buffer(sha256(token.strip())), Times.utc(expires)))
                .flatMap(rows -> rows.size() == 0
                        ? Uni.createFrom().<Void>failure(refused("replayed signature"))
                        : Uni.createFrom().voidItem());
    }

    /** Forgets an accepted token whose request then failed, so the gateway's retry is not refused. */
    public Uni<Void> forget(String token) {
        return pool.preparedQuery("DELETE FROM sms_webhook_token WHERE token_hash = $1")
                .execute(Tuple.of(Buffer.buffer(sha256(token.strip())))).replaceWithVoid();
    }

    private static ProblemException refused(String why) {
        LOG.warnf("SMS webhook refused: %s", why);
        return new ProblemException(ErrorCode.WEBHOOK_SIGNATURE, "The webhook signature is missing or invalid");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

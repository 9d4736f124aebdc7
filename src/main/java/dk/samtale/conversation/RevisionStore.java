package dk.samtale.conversation;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.identity.Actor;
import dk.samtale.platform.Times;

/**
 * Retractions and corrections in PostgreSQL. Each is one transaction: the message row is locked (so two
 * requests for one message are ordered, and a repeat finds the first one's result), the change is written
 * and its {@code conversation_event} row (kind {@code retracted} or {@code corrected}) with it — the
 * journal follows the event log after commit. Texts are sealed before they reach the database; the event
 * carries ids and the correction's number only.
 */
@ApplicationScoped
class RevisionStore {

    /** The message as it stands, read under its row lock. */
    record Locked(UUID messageId, long seq, Actor.ActorKind senderKind, UUID senderId, Instant createdAt,
            Instant retractedAt, Integer correction, Route route, boolean open, long otherSideRead,
            String currentBody, String currentReason, Instant correctedAt) {
    }

    // the caller's scope is the WHERE clause, as everywhere: a message the caller may not see is not found
    private static final String LOCK = """
            SELECT m.seq, m.sender_kind, m.sender_id, m.created_at, m.retracted_at, m.correction, m.body_enc,
                   c.unit_id, c.citizen_id, c.status, mc.body_enc AS correction_body_enc,
                   mc.reason_enc AS correction_reason_enc, mc.created_at AS corrected_at,
                   (SELECT coalesce(max(r.read_seq), 0) FROM read_cursor r WHERE r.conversation_id = c.id
                       AND r.reader_kind <> m.sender_kind) AS other_read
            FROM message m
            JOIN conversation c ON c.id = m.conversation_id
            LEFT JOIN message_correction mc ON m.correction IS NOT NULL AND mc.message_id = m.id
                AND mc.version = m.correction
            WHERE m.id = $1 AND m.conversation_id = $2 AND c.tenant_id = $3 AND (c.citizen_id = $4 AND c.parties <> 'guardians' OR c.unit_id = ANY($5)
                OR c.parties = 'guardians' AND $4 = ANY(c.guardian_ids))
            FOR UPDATE OF m""";

    private static final String RETRACT = """
            WITH m AS (UPDATE message SET retracted_at = $3 WHERE id = $1 AND retracted_at IS NULL RETURNING id, seq)
            INSERT INTO conversation_event (tenant_id, conversation_id, unit_id, citizen_id, kind, message_id, seq,
                                            actor_kind, actor_id, created_at)
            SELECT $4, $2, $5, $6, 'retracted', m.id, m.seq, $7, $8, $3 FROM m""";

    private static final String CORRECT = """
            WITH ins AS (INSERT INTO message_correction (message_id, version, body_enc, reason_enc, data_key,
                                                         corrected_by, created_at)
                         VALUES ($1, $3, $4, $5, $6, $7, $8) RETURNING message_id),
                 upd AS (UPDATE message SET correction = $3 WHERE id = $1)
            INSERT INTO conversation_event (tenant_id, conversation_id, unit_id, citizen_id, kind, message_id, seq,
                                            actor_kind, actor_id, created_at, detail)
            SELECT $9, $2, $10, $11, 'corrected', ins.message_id, $12, 'staff', $7, $8,
                   jsonb_build_object('version', CAST($3 AS integer))
            FROM ins""";

    private final Pool pool;
    private final ConversationKeys keys;

    RevisionStore(Pool pool, ConversationKeys keys) {
        this.pool = pool;
        this.keys = keys;
    }

    /** What the caller gets, and whether the change is to be written (false: a repeat, answered as before). */
    record Verdict<T>(T result, boolean write) {
    }

    /**
     * Checks the locked message (null: not there, or not the caller's to see) and decides; refusals are
     * thrown (ProblemException), which rolls the transaction back.
     */
    interface Decision<T> {
        Verdict<T> decide(Locked message);
    }

    /**
     * Locks the message (if the caller may see it), lets {@code decide} check it, and writes the retraction
     * when it says so. {@code decide} gets null for a message that is not there (or not the caller's to see).
     */
    <T> Uni<T> retract(UUID tenantId, UUID citizenScope, UUID[] unitScope, UUID conversationId, UUID messageId,
            Actor actor, Instant at, Decision<T> decide) {
        return keys.of(tenantId, conversationId)
                .flatMap(k -> pool.withTransaction(tx -> lock(tx, tenantId, citizenScope,
                        unitScope, conversationId, messageId, k).flatMap(locked -> {
                            Verdict<T> verdict = decide.decide(locked);
                            T result = verdict.result();
                            if (!verdict.write()) {
                                return Uni.createFrom().item(result);
                            }
                            return tx.preparedQuery(RETRACT)
                                    .execute(Tuple.tuple(java.util.List.of(messageId, conversationId,
                                            Times.utc(at), tenantId, locked.route().unitId(),
                                            locked.route().citizenId(),
                                            actor.kind().name(), actor.id())))
                                    .replaceWith(result);
                        })));
    }

    /** As {@link #retract}, for a correction: writes version {@code locked.correction + 1} with this text. */
    <T> Uni<T> correct(UUID tenantId, UUID[] unitScope, UUID conversationId, UUID messageId, Actor actor,
            Instant at, String body, String reason, Decision<T> decide) {
        return keys.of(tenantId, conversationId)
                .flatMap(k -> pool.withTransaction(tx -> lock(tx, tenantId, new UUID(0, 0),
                        unitScope, conversationId, messageId, k).flatMap(locked -> {
                            Verdict<T> verdict = decide.decide(locked);
                            T result = verdict.result();
                            if (!verdict.write()) {
                                return Uni.createFrom().item(result);
                            }
                            int version = locked.correction() == null ? 1 : locked.correction() + 1;
                            byte[] bodyEnc = k.seal(
                                    Binding.messageCorrection(tenantId, conversationId, messageId, version, "body"),
                                    body);
                            byte[] reasonEnc = k.seal(
                                    Binding.messageCorrection(tenantId, conversationId, messageId, version, "reason"),
                                    reason);
                            return tx.preparedQuery(CORRECT).execute(Tuple.tuple(java.util.List.of(messageId,
                                    conversationId, version, Buffer.buffer(bodyEnc), Buffer.buffer(reasonEnc),
                                    k.keyIdFor(Binding.messageCorrection(tenantId, conversationId, messageId, version,
                                            "body")),
                                    actor.id(), Times.utc(at), tenantId, locked.route().unitId(),
                                    locked.route().citizenId(), locked.seq()))).replaceWith(result);
                        })));
    }

    private static Uni<Locked> lock(SqlConnection tx, UUID tenantId, UUID citizenScope, UUID[] unitScope,
            UUID conversationId, UUID messageId, TenantKeys k) {
        return tx.preparedQuery(LOCK)
                .execute(Tuple.of(messageId, conversationId, tenantId, citizenScope, unitScope))
                .map(rows -> rows.size() == 0
                        ? null
                        : locked(rows.iterator().next(), tenantId, conversationId,
                                messageId, k));
    }

    private static Locked locked(Row r, UUID tenantId, UUID conversationId, UUID messageId, TenantKeys k) {
        Integer correction = r.getInteger("correction");
        String current = correction == null
                ? k.openOrNull(Binding.messageBody(tenantId, conversationId, messageId), bytes(r, "body_enc"))
                : k.openOrNull(Binding.messageCorrection(tenantId, conversationId, messageId, correction, "body"),
                        bytes(r, "correction_body_enc"));
        String reason = correction == null
                ? null
                : k.openOrNull(Binding.messageCorrection(tenantId, conversationId, messageId, correction, "reason"),
                        bytes(r, "correction_reason_enc"));
        return new Locked(messageId, r.getLong("seq"), Actor.ActorKind.valueOf(r.getString("sender_kind")),
                r.getUUID("sender_id"), Times.instant(r.getOffsetDateTime("created_at")),
                Times.instant(r.getOffsetDateTime("retracted_at")), correction,
                new Route(tenantId, r.getUUID("unit_id"), r.getUUID("citizen_id"), conversationId),
                "open".equals(r.getString("status")), r.getLong("other_read"), current, reason,
                Times.instant(r.getOffsetDateTime("corrected_at")));
    }

    private static byte[] bytes(Row r, String column) {
        var b = r.getBuffer(column);
        return b == null ? null : b.getBytes();
    }
}

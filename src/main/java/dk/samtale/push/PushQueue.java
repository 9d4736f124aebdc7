package dk.samtale.push;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.Parties;
import dk.samtale.conversation.Route;
import dk.samtale.platform.Times;

/**
 * The due pushes (table push_due, written by the message statement) and what the relay needs to send
 * them. Every statement is short and holds no lock across a remote call: a claim reserves rows with a
 * lease (next_attempt_at in the future) under {@code FOR UPDATE SKIP LOCKED}, so replicas never take
 * the same push, and a replica that dies mid-send only delays it by the lease.
 */
@ApplicationScoped
class PushQueue {

    enum Side {
        citizen, staff
    }

    /** A claimed push: conversation, side, the newest seq, since when it waits, attempts made. */
    record Due(UUID conversationId, Side side, long seq, Instant pendingSince, int attempts) {
    }

    /** Where a push goes, whether it is still needed, and to which devices (none once reached). */
    record Target(UUID tenantId, String unitName, boolean showUnitName, long reached, List<Recipient> recipients,
            Route route) {
    }

    /** A device to notify (token still sealed) and its owner's unread count. */
    record Recipient(UUID deviceId, UUID ownerId, PushNotifier.Platform platform, byte[] tokenSealed, int badge) {
    }

    private final Pool pool;
    private final Parties parties;

    PushQueue(Pool pool, Parties parties) {
        this.pool = pool;
        this.parties = parties;
    }

    Uni<List<Due>> claim(Instant now, Duration grace, Duration lease, int limit) {
        return pool.preparedQuery("""
                UPDATE push_due p SET next_attempt_at = $3
                FROM (SELECT conversation_id, side FROM push_due
                      WHERE (next_attempt_at IS NULL AND pending_since <= $1) OR next_attempt_at <= $2
                      ORDER BY coalesce(next_attempt_at, pending_since) LIMIT $4
                      FOR UPDATE SKIP LOCKED) due
                WHERE p.conversation_id = due.conversation_id AND p.side = due.side
                RETURNING p.conversation_id, p.side, p.seq, p.pending_since, p.attempts""")
                .execute(Tuple.of(Times.utc(now.minus(grace)), Times.utc(now), Times.utc(now.plus(lease)), limit))
                .map(rows -> {
                    List<Due> list = new ArrayList<>(rows.size());
                    rows.forEach(r -> list.add(new Due(r.getUUID("conversation_id"), Side.valueOf(r.getString("side")),
                            r.getLong("seq"), Times.instant(r.getOffsetDateTime("pending_since")),
                            r.getInteger("attempts"))));
                    return list;
                });
    }

    /** When the next push falls due (its grace over, or its retry time come), or null when none waits. */
    Uni<Instant> nextDue(Duration grace) {
        return pool.preparedQuery(
                "SELECT min(pending_since) FILTER (WHERE next_attempt_at IS NULL), min(next_attempt_at) FROM push_due")
                .execute().map(rows -> {
                    Row r = rows.iterator().next();
                    Instant fresh = Times.instant(r.getOffsetDateTime(0));
                    Instant retry = Times.instant(r.getOffsetDateTime(1));
                    Instant graceOver = fresh == null ? null : fresh.plus(grace);
                    if (graceOver == null || (retry != null && retry.isBefore(graceOver))) {
                        return retry;
                    }
                    return graceOver;
                });
    }

    /**
     * Everything a push needs, in one round trip: where it goes, whether the side already has it
     * ({@code reached}: the highest seq a device of the side confirmed), and — only if it does not —
     * each device of the side with its owner's badge. The badge is the owner's unread count: messages
     * from others after their read cursor, in their open conversations (a citizen's own, or those of
     * the units their staff devices are registered for). Null when the conversation is gone.
     */
    Uni<Target> resolve(Due due) {
        return pool.preparedQuery("""
                SELECT t.tenant_id, t.unit_id, t.citizen_id, t.unit_name, t.push_shows_unit_name, t.reached,
                       d.id AS device_id, d.owner_id, d.platform, d.token_enc,
                       CASE WHEN d.id IS NOT NULL THEN
                         (SELECT count(*) FROM conversation bc
                          JOIN message m ON m.conversation_id = bc.id
                          LEFT JOIN read_cursor rc ON rc.conversation_id = bc.id AND rc.reader_id = d.owner_id
                          WHERE bc.tenant_id = t.tenant_id AND bc.status = 'open' AND m.sender_id <> d.owner_id
                            AND m.seq > coalesce(rc.read_seq, 0) AND m.retracted_at IS NULL
                            AND (bc.citizen_id = d.owner_id AND bc.parties <> 'guardians'
                                 OR bc.parties = 'guardians' AND d.owner_id = ANY(bc.guardian_ids)
                                 OR bc.unit_id IN (SELECT du2.unit_id FROM device_unit du2
                                                   JOIN device d2 ON d2.id = du2.device_id
                                                   WHERE d2.owner_id = d.owner_id)))
                       END AS badge
                FROM (SELECT c.tenant_id, c.unit_id, c.citizen_id, u.name AS unit_name, tn.push_shows_unit_name,
                             CASE WHEN c.parties = 'guardians' THEN c.guardian_ids ELSE ARRAY[c.citizen_id] END
                                 AS recipients,
                             (SELECT coalesce(max(greatest(r.delivered_seq, r.read_seq)), 0) FROM read_cursor r
                              WHERE r.conversation_id = c.id AND r.reader_kind = $2) AS reached
                      FROM conversation c JOIN unit u ON u.id = c.unit_id JOIN tenant tn ON tn.id = c.tenant_id
                      WHERE c.id = $1) t
                LEFT JOIN LATERAL (
                      SELECT d.id, d.owner_id, d.platform, d.token_enc FROM device d
                      WHERE $2 = 'citizen' AND d.owner_id = ANY(t.recipients) AND d.owner_kind = 'citizen'
                        AND d.tenant_id = t.tenant_id
                      UNION ALL
                      SELECT d.id, d.owner_id, d.platform, d.token_enc FROM device_unit du
                      JOIN device d ON d.id = du.device_id
                      WHERE $2 = 'staff' AND du.unit_id = t.unit_id AND d.owner_kind = 'staff'
                        AND d.tenant_id = t.tenant_id) d ON t.reached < $3
                ORDER BY d.id""").execute(Tuple.of(due.conversationId(), due.side().name(), due.seq()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Target target = null;
                    for (Row r : rows) {
                        if (target == null) {
                            target = new Target(r.getUUID("tenant_id"), r.getString("unit_name"),
                                    r.getBoolean("push_shows_unit_name"), r.getLong("reached"), new ArrayList<>(),
                                    new Route(r.getUUID("tenant_id"), r.getUUID("unit_id"), r.getUUID("citizen_id"),
                                            due.conversationId()));
                        }
                        if (r.getUUID("device_id") != null) {
                            target.recipients().add(new Recipient(r.getUUID("device_id"), r.getUUID("owner_id"),
                                    PushNotifier.Platform.valueOf(r.getString("platform")),
                                    r.getBuffer("token_enc").getBytes(),
                                    (int) Math.min(Integer.MAX_VALUE, r.getLong("badge"))));
                        }
                    }
                    return target;
                }).flatMap(target -> target == null || due.side() != Side.citizen
                        ? Uni.createFrom().item(target)
                        // a conversation with guardians as parties: its guardians while the child is under 18
                        // (evaluated now), never the child
                        : parties.citizenRecipients(target.route()).map(ids -> {
                            target.recipients().removeIf(r -> !ids.contains(r.ownerId()));
                            return target;
                        }));
    }

    /**
     * The push up to {@code due.seq} is settled (sent, skipped or failed for good). A message that came
     * meanwhile keeps the row, due again one grace period from now.
     */
    Uni<Void> settle(Due due, Instant now) {
        return pool.preparedQuery("DELETE FROM push_due WHERE conversation_id = $1 AND side = $2 AND seq <= $3")
                .execute(Tuple.of(due.conversationId(), due.side().name(), due.seq()))
                .flatMap(rows -> rows.rowCount() > 0 ? Uni.createFrom().voidItem() : dueAgain(due, now));
    }

    /** A message came while the push was in flight: the row stays, due again one grace period from now. */
    private Uni<Void> dueAgain(Due due, Instant now) {
        return pool.preparedQuery("""
                UPDATE push_due SET attempts = 0, next_attempt_at = NULL, pending_since = $3
                WHERE conversation_id = $1 AND side = $2""")
                .execute(Tuple.of(due.conversationId(), due.side().name(), Times.utc(now))).replaceWithVoid();
    }

    Uni<Void> retryAt(Due due, Instant at) {
        return pool.preparedQuery("""
                UPDATE push_due SET attempts = attempts + 1, next_attempt_at = $3
                WHERE conversation_id = $1 AND side = $2""")
                .execute(Tuple.of(due.conversationId(), due.side().name(), Times.utc(at))).replaceWithVoid();
    }

    /**
     * Records a push given up on and settles it in one statement, so nobody ever sees the failure
     * recorded while the push is still due (or the other way round).
     */
    Uni<Void> fail(Due due, String reason, int attempts, Instant now) {
        return pool.preparedQuery("""
                WITH failure AS (
                  INSERT INTO push_failure (conversation_id, side, seq, reason, attempts, failed_at)
                  VALUES ($1, $2, $3, $4, $5, $6))
                DELETE FROM push_due WHERE conversation_id = $1 AND side = $2 AND seq <= $3""")
                .execute(Tuple.tuple(List.of(due.conversationId(), due.side().name(), due.seq(), reason, attempts,
                        Times.utc(now))))
                .flatMap(rows -> rows.rowCount() > 0 ? Uni.createFrom().voidItem() : dueAgain(due, now));
    }
}

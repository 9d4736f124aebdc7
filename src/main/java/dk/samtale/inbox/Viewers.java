package dk.samtale.inbox;

import java.time.Clock;
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

import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * Which staff of the unit have a conversation open in the inbox. A heartbeat (every 15 s from the page)
 * records the caller and answers with everyone seen within {@link #WINDOW}; staying away is enough to
 * disappear, so a crashed browser needs no cleanup. One statement per beat: authorise (the caller's
 * units, in the WHERE clause), upsert, sweep the stale rows of this conversation, read the rest.
 */
@ApplicationScoped
public class Viewers {

    /** A colleague with the conversation open, and since when they were last seen. */
    public record Viewer(UUID staffId, Instant seenAt) {
    }

    static final Duration WINDOW = Duration.ofSeconds(40);

    private final Pool pool;
    private final Clock clock;

    Viewers(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    Uni<List<Viewer>> beat(Caller caller, UUID conversationId) {
        Instant now = Times.now(clock);
        return pool.preparedQuery("""
                WITH c AS (SELECT id FROM conversation WHERE id = $1 AND tenant_id = $2 AND unit_id = ANY($3)),
                     up AS (INSERT INTO inbox_viewer (conversation_id, staff_id, seen_at) SELECT c.id, $4, $5 FROM c
                            ON CONFLICT (conversation_id, staff_id) DO UPDATE SET seen_at = EXCLUDED.seen_at
                            RETURNING conversation_id),
                     gone AS (DELETE FROM inbox_viewer v USING c WHERE v.conversation_id = c.id AND v.seen_at < $6)
                SELECT c.id AS found, v.staff_id, v.seen_at FROM c
                LEFT JOIN inbox_viewer v ON v.conversation_id = c.id AND v.seen_at >= $6 AND v.staff_id <> $4""")
                .execute(Tuple.tuple(List.of(conversationId, caller.tenantId(), caller.unitIds().toArray(UUID[]::new),
                        caller.id(), Times.utc(now), Times.utc(now.minus(WINDOW)))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("conversation");
                    }
                    // the caller first (this beat's own row is not visible to the statement that wrote it)
                    List<Viewer> list = new ArrayList<>();
                    list.add(new Viewer(caller.id(), now));
                    for (Row r : rows) {
                        if (r.getUUID("staff_id") != null) {
                            list.add(new Viewer(r.getUUID("staff_id"), Times.instant(r.getOffsetDateTime("seen_at"))));
                        }
                    }
                    return list;
                });
    }

    /** The caller closed the conversation (best effort: the window ends it anyway). */
    Uni<Void> leave(Caller caller, UUID conversationId) {
        return pool.preparedQuery("""
                DELETE FROM inbox_viewer v USING conversation c
                WHERE v.conversation_id = $1 AND v.staff_id = $2 AND c.id = v.conversation_id AND c.tenant_id = $3
                  AND c.unit_id = ANY($4)""")
                .execute(Tuple.of(conversationId, caller.id(), caller.tenantId(),
                        caller.unitIds().toArray(UUID[]::new)))
                .replaceWithVoid();
    }
}

package dk.samtale.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Route;
import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.identity.Actor;
import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Internal notes on a conversation, for the staff of its unit only. They never reach the citizen: a
 * table of their own (not messages, so no seq, no journal outbox row, no push or SMS), REST for staff
 * of the unit, and a {@code note} frame that only staff sockets get. Bodies are sealed like message
 * bodies, bound to the note's row.
 */
@ApplicationScoped
public class Notes {

    public static final int MAX_BODY = 4000;

    public record Note(UUID id, UUID conversationId, Actor author, String body, String bodyError,
            Instant createdAt) {
        @Override
        public String toString() {
            return "Note[" + id + "]"; // never the body
        }
    }

    private static final String SELECT = """
            SELECT n.id, n.conversation_id, n.author_id, s.name AS author_name, n.body_enc, n.created_at
            FROM conversation_note n
            JOIN conversation c ON c.id = n.conversation_id
            JOIN staff_member s ON s.id = n.author_id
            WHERE c.tenant_id = $1 AND c.unit_id = ANY($2)""";

    private final Pool pool;
    private final ConversationKeys keys;
    private final Fanout fanout;
    private final Clock clock;

    Notes(Pool pool, ConversationKeys keys, Fanout fanout, Clock clock) {
        this.pool = pool;
        this.keys = keys;
        this.fanout = fanout;
        this.clock = clock;
    }

    public Uni<List<Note>> list(Caller caller, UUID conversationId) {
        staff(caller);
        return visible(caller, conversationId).flatMap(route -> read(caller,
                SELECT + " AND c.id = $3 ORDER BY n.created_at, n.id", conversationId));
    }

    /** One note, if the caller (staff of its unit) may see it; null otherwise. */
    public Uni<Note> byId(Caller caller, UUID noteId) {
        if (!caller.isStaff()) {
            return Uni.createFrom().nullItem();
        }
        return read(caller, SELECT + " AND n.id = $3", noteId).map(l -> l.isEmpty() ? null : l.get(0));
    }

    public Uni<Note> add(Caller caller, UUID conversationId, String body) {
        staff(caller);
        if (body == null || body.isBlank() || body.codePointCount(0, body.length()) > MAX_BODY) {
            throw ProblemException.invalid("body", "must be 1 to " + MAX_BODY + " characters");
        }
        UUID id = Uuid7.next(clock);
        Instant now = Times.now(clock);
        return keys.of(caller.tenantId(), conversationId).flatMap(k -> {
            Binding sealedAs = binding(caller.tenantId(), conversationId, id);
            byte[] sealed = k.seal(sealedAs, body);
            return pool.preparedQuery("""
                    WITH c AS (SELECT id, unit_id, citizen_id FROM conversation
                               WHERE id = $1 AND tenant_id = $2 AND unit_id = ANY($3)),
                    n AS (INSERT INTO conversation_note (id, conversation_id, author_id, body_enc, body_key, created_at)
                          SELECT $4, c.id, $5, $6, $7, $8 FROM c RETURNING id)
                    SELECT c.unit_id, c.citizen_id FROM c, n""")
                    .execute(Tuple.tuple(List.of(conversationId, caller.tenantId(),
                            caller.unitIds().toArray(UUID[]::new), id, caller.id(), Buffer.buffer(sealed),
                            k.keyIdFor(sealedAs), Times.utc(now))));
        }).map(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound("conversation");
            }
            Row r = rows.iterator().next();
            // after commit: staff sockets of the unit on every replica
            fanout.publish(NoteFrames.added(
                    new Route(caller.tenantId(), r.getUUID("unit_id"), r.getUUID("citizen_id"), conversationId), id));
            return new Note(id, conversationId, caller.actor(), body, null, now);
        });
    }

    static Binding binding(UUID tenant, UUID conversationId, UUID noteId) {
        return new Binding(tenant, conversationId, "conversation_note", noteId, "body");
    }

    private static void staff(Caller caller) {
        if (!caller.isStaff()) {
            throw ProblemException.notFound("conversation");
        }
    }

    private Uni<Route> visible(Caller caller, UUID conversationId) {
        return pool.preparedQuery("SELECT unit_id, citizen_id FROM conversation"
                + " WHERE id = $1 AND tenant_id = $2 AND unit_id = ANY($3)")
                .execute(Tuple.of(conversationId, caller.tenantId(), caller.unitIds().toArray(UUID[]::new)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("conversation");
                    }
                    Row r = rows.iterator().next();
                    return new Route(caller.tenantId(), r.getUUID("unit_id"), r.getUUID("citizen_id"),
                            conversationId);
                });
    }

    private Uni<List<Note>> read(Caller caller, String sql, UUID id) {
        return pool.preparedQuery(sql).execute(Tuple.of(caller.tenantId(), caller.unitIds().toArray(UUID[]::new), id))
                .flatMap(rows -> {
                    List<UUID> conversations = new ArrayList<>();
                    rows.forEach(r -> conversations.add(r.getUUID("conversation_id")));
                    return keys.of(caller.tenantId(), conversations).map(k -> notes(rows, k, caller.tenantId()));
                });
    }

    private static List<Note> notes(RowSet<Row> rows, TenantKeys k, UUID tenant) {
        List<Note> list = new ArrayList<>(rows.size());
        for (Row r : rows) {
            UUID id = r.getUUID("id");
            String body = null;
            String error = null;
            try {
                body = k.open(binding(tenant, r.getUUID("conversation_id"), id), r.getBuffer("body_enc").getBytes());
            } catch (Unreadable e) {
                error = e.reason().code();
            }
            list.add(new Note(id, r.getUUID("conversation_id"),
                    new Actor(Actor.ActorKind.staff, r.getUUID("author_id"), r.getString("author_name")), body, error,
                    Times.instant(r.getOffsetDateTime("created_at"))));
        }
        return list;
    }
}

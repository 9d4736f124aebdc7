package dk.samtale.journal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.JournalStates;

/**
 * Journal state per message for staff views, in one query: no entry yet is pending; an entry the case
 * system acknowledged (pull cursor past it, or push delivered) is acknowledged; else journaled.
 */
@ApplicationScoped
class JournalStateLookup implements JournalStates {

    private final Pool pool;

    JournalStateLookup(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Map<UUID, String>> of(UUID tenantId, Collection<UUID> messageIds) {
        return pool.preparedQuery("""
                SELECT e.message_id,
                       CASE WHEN e.position <= coalesce(j.acked_position, 0) OR d.state = 'delivered'
                            THEN 'acknowledged' ELSE 'journaled' END
                FROM journal_entry e
                LEFT JOIN journal_cursor j ON j.tenant_id = e.tenant_id
                LEFT JOIN journal_delivery d ON d.entry_id = e.id
                WHERE e.message_id = ANY($1) AND e.tenant_id = $2""")
                .execute(Tuple.of(messageIds.toArray(UUID[]::new), tenantId))
                .map(rows -> {
                    Map<UUID, String> states = new HashMap<>();
                    for (Row r : rows) {
                        states.put(r.getUUID(0), r.getString(1));
                    }
                    return states;
                });
    }
}

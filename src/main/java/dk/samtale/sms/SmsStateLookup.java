package dk.samtale.sms;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.SmsStates;

/** SMS state per message for staff views, in one query: the newest notice that was not cancelled. */
@ApplicationScoped
class SmsStateLookup implements SmsStates {

    private final Pool pool;

    SmsStateLookup(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Map<UUID, String>> of(UUID tenantId, Collection<UUID> messageIds) {
        return pool.preparedQuery("""
                SELECT DISTINCT ON (n.message_id) n.message_id, n.state FROM sms_notice n
                WHERE n.message_id = ANY($1) AND n.tenant_id = $2 AND n.state <> 'cancelled'
                ORDER BY n.message_id, n.created_at DESC""")
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

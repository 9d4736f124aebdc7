package dk.samtale.push;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.EventConsumer;
import dk.samtale.platform.LoggedEvent;

/**
 * Push's consumer of the conversation event log ({@code push}): a message makes a push due for the other
 * side of its conversation — only when that side has a device (push's own tables) — as one row per
 * conversation and side, so a burst collapses into one push of the newest seq. Written in the log's
 * transaction, with the cursor: a crash repeats no push and loses none. {@link PushRelay} sends the due
 * rows after the grace period.
 */
@ApplicationScoped
class PushIntake implements EventConsumer {

    private static final String UPSERT = """
            INSERT INTO push_due AS p (conversation_id, side, seq, pending_since)
            SELECT x.conversation_id, x.side, x.seq, x.since::timestamptz
            FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::uuid[], ?::uuid[])
                 AS x(conversation_id, side, seq, since, citizen_id, unit_id)
            WHERE CASE WHEN x.side = 'citizen'
                       THEN EXISTS (SELECT 1 FROM conversation pc JOIN device d ON d.owner_id = ANY(
                                CASE WHEN pc.parties = 'guardians' THEN pc.guardian_ids ELSE ARRAY[pc.citizen_id] END)
                                WHERE pc.id = x.conversation_id)
                       ELSE EXISTS (SELECT 1 FROM device_unit du WHERE du.unit_id = x.unit_id) END
            ON CONFLICT (conversation_id, side) DO UPDATE SET seq = greatest(p.seq, EXCLUDED.seq)""";

    @Override
    public String name() {
        return "push";
    }

    private record Due(UUID conversationId, PushQueue.Side side, long seq, String since, UUID citizenId,
            UUID unitId) {
    }

    @Override
    public Runnable handle(Connection c, UUID tenantId, List<LoggedEvent> events) throws SQLException {
        // one row per conversation and side: the first message's time, the newest seq
        Map<String, Due> due = new LinkedHashMap<>();
        for (LoggedEvent e : events) {
            if (!e.isMessage() || e.seq() == null) {
                continue;
            }
            PushQueue.Side side = "citizen".equals(e.actorKind()) ? PushQueue.Side.staff : PushQueue.Side.citizen;
            due.merge(e.conversationId() + "/" + side,
                    new Due(e.conversationId(), side, e.seq(), e.createdAt().toString(), e.citizenId(), e.unitId()),
                    (a, b) -> new Due(a.conversationId(), a.side(), Math.max(a.seq(), b.seq()), a.since(),
                            a.citizenId(), a.unitId()));
        }
        if (due.isEmpty()) {
            return null;
        }
        List<Due> rows = List.copyOf(due.values());
        try (PreparedStatement st = c.prepareStatement(UPSERT)) {
            st.setArray(1, c.createArrayOf("uuid", rows.stream().map(Due::conversationId).toArray()));
            st.setArray(2, c.createArrayOf("text", rows.stream().map(d -> d.side().name()).toArray()));
            st.setArray(3, c.createArrayOf("bigint", rows.stream().map(Due::seq).toArray()));
            st.setArray(4, c.createArrayOf("text", rows.stream().map(Due::since).toArray()));
            st.setArray(5, c.createArrayOf("uuid", rows.stream().map(Due::citizenId).toArray()));
            st.setArray(6, c.createArrayOf("uuid", rows.stream().map(Due::unitId).toArray()));
            st.executeUpdate();
        }
        return null;
    }
}

package dk.samtale.sms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Route;
import dk.samtale.platform.EventConsumer;
import dk.samtale.platform.LoggedEvent;

/**
 * SMS's consumer of the conversation event log ({@code sms}): applies the channel policy the message
 * event carries (the conversation's policy when the message was written) and the tenant's SMS settings
 * (its own table): a staff message in a conversation whose policy is not {@code app}, in a tenant with
 * SMS, queues one SMS — its text when staff marked it not sensitive, else a notice — due at once
 * ({@code sms}) or after the tenant's escalation delay ({@code app-then-sms}). Written in the log's
 * transaction, with the cursor: a crash repeats no notice and loses none. {@link NoticeRelay} decides the
 * rest when it is due (seen in the app meanwhile, covered by an earlier notice, quiet hours, STOP).
 */
@ApplicationScoped
class NoticeIntake implements EventConsumer {

    private final Fanout fanout;

    NoticeIntake(Fanout fanout) {
        this.fanout = fanout;
    }

    @Override
    public String name() {
        return "sms";
    }

    @Override
    public Runnable handle(Connection c, UUID tenantId, List<LoggedEvent> events) throws SQLException {
        List<LoggedEvent> staffMessages = events.stream()
                .filter(e -> e.isMessage() && "staff".equals(e.actorKind()) && e.seq() != null)
                .filter(e -> {
                    String policy = e.detailText("channelPolicy");
                    return policy != null && !policy.equals("app");
                }).toList();
        if (staffMessages.isEmpty()) {
            return null;
        }
        Duration delay = escalationDelay(c, tenantId);
        if (delay == null) {
            return null; // the tenant has no SMS
        }
        List<ConversationEvent> queued = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO sms_notice (id, tenant_id, conversation_id, message_id, seq, kind, escalate, state, due_at,
                                        created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)""")) {
            for (LoggedEvent e : staffMessages) {
                boolean escalate = "app-then-sms".equals(e.detailText("channelPolicy"));
                Instant at = e.createdAt();
                st.setObject(1, UUID.randomUUID());
                st.setObject(2, tenantId);
                st.setObject(3, e.conversationId());
                st.setObject(4, e.messageId());
                st.setLong(5, e.seq());
                st.setString(6, e.detailFlag("smsAllowed") ? "body" : "notice");
                st.setBoolean(7, escalate);
                st.setObject(8, (escalate ? at.plus(delay) : at).atOffset(ZoneOffset.UTC));
                st.setObject(9, at.atOffset(ZoneOffset.UTC));
                st.setObject(10, at.atOffset(ZoneOffset.UTC));
                st.addBatch();
                queued.add(SmsStateEvent.of(new Route(tenantId, e.unitId(), e.citizenId(), e.conversationId()),
                        e.messageId(), e.seq(), "queued"));
            }
            st.executeBatch();
        }
        return () -> queued.forEach(fanout::publish);
    }

    /** The tenant's escalation delay, or null when the tenant has no SMS settings. */
    private static Duration escalationDelay(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT extract(epoch FROM escalation_delay) * 1000 FROM sms_tenant WHERE tenant_id = ?")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Duration.ofMillis(rs.getBigDecimal(1).longValue()) : null;
            }
        }
    }
}

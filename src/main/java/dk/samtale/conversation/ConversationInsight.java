package dk.samtale.conversation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.CitizenConversations;
import dk.samtale.platform.InsightContributor;

/**
 * The citizen's conversations for the insight report: each with its unit, subject, state, case reference,
 * how far the citizen has read, its recent history (the event log keeps events only until every consumer has
 * passed them, so older lifecycle steps are in the journal section instead) and every message, as the
 * citizen's app shows them (the audience {@code dpo} also sees a correction's reason and original text).
 * Also tells other features which conversations a citizen has ({@link CitizenConversations}).
 */
@ApplicationScoped
class ConversationInsight implements InsightContributor, CitizenConversations {

    private static final int PAGE = 500;

    /**
     * The conversations a citizen's report covers: those they are a party of (issue 20) — their own, and as
     * a guardian those with the guardians that name them. A child's report does not cover the conversation
     * between the caseworker and its guardians (the child is its subject, not a party; the guardians' reports
     * cover it), and a guardian's never covers the child's own.
     */
    private static final String PARTY = """
            (c.citizen_id = $2 AND c.parties <> 'guardians' OR c.parties = 'guardians' AND $2 = ANY(c.guardian_ids))""";

    record Item(UUID id, UUID unitId, String unitName, String subject, String status, String caseNumber,
            String kleClass, String actionFacet, String channelPolicy, Instant createdAt, Instant updatedAt,
            long readUpToSeq, long deliveredUpToSeq, List<Step> history, List<InsightMessage> messages) {
    }

    /** A lifecycle step still in the event log (kind: closed, reopened, transferred, ...). */
    record Step(String kind, String actorKind, Instant at) {
    }

    record InsightMessage(long seq, String senderKind, String senderName, String body, String bodyError,
            String channel, Instant createdAt, Instant retractedAt, Message.Correction correction,
            List<MessageFiles.File> attachments) {
        @Override
        public String toString() {
            return "InsightMessage[" + seq + "]"; // never the body
        }
    }

    private final Pool pool;
    private final ConversationKeys keys;
    private final MessageStore store;

    ConversationInsight(Pool pool, ConversationKeys keys, MessageStore store) {
        this.pool = pool;
        this.keys = keys;
        this.store = store;
    }

    @Override
    public Uni<Set<UUID>> of(UUID tenantId, UUID citizenId) {
        return pool.preparedQuery("SELECT id FROM conversation c WHERE c.tenant_id = $1 AND " + PARTY)
                .execute(Tuple.of(tenantId, citizenId)).map(rows -> {
                    Set<UUID> ids = new HashSet<>();
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    return ids;
                });
    }

    @Override
    public String name() {
        return "conversations";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public Set<String> tables() {
        return Set.of("conversation", "message", "message_correction", "read_cursor", "conversation_event");
    }

    @Override
    public Uni<Section> about(Subject s) {
        return pool.preparedQuery("""
                SELECT c.id, c.unit_id, u.name AS unit_name, c.subject, c.subject_enc, c.status, c.case_number,
                       c.kle_class, c.action_facet, c.channel_policy, c.created_at, c.updated_at,
                       coalesce(rc.read_seq, 0) AS read_seq, coalesce(rc.delivered_seq, 0) AS delivered_seq
                FROM conversation c
                JOIN unit u ON u.id = c.unit_id
                LEFT JOIN read_cursor rc ON rc.conversation_id = c.id AND rc.reader_id = $2
                WHERE c.tenant_id = $1 AND""" + " " + PARTY + " ORDER BY c.created_at, c.id")
                .execute(Tuple.of(s.tenantId(), s.citizenId())).flatMap(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return keys.of(s.tenantId(), list.stream().map(r -> r.getUUID("id")).toList())
                            .flatMap(k -> Multi.createFrom().iterable(list).onItem()
                                    .transformToUniAndConcatenate(r -> item(k, s, r)).collect().asList());
                }).map(items -> new Section(name(), "Dine samtaler og beskeder", items));
    }

    private Uni<Item> item(TenantKeys k, Subject s, Row r) {
        UUID id = r.getUUID("id");
        var sealed = r.getBuffer("subject_enc");
        String subject = Subjects.open(k, s.tenantId(), id, r.getString("subject"),
                sealed == null ? null : sealed.getBytes());
        boolean staffView = s.audience() == Audience.dpo;
        return history(id).flatMap(steps -> messages(id, 0, new ArrayList<>(), staffView)
                .map(msgs -> new Item(id, r.getUUID("unit_id"), r.getString("unit_name"), subject,
                        r.getString("status"), r.getString("case_number"), r.getString("kle_class"),
                        r.getString("action_facet"), r.getString("channel_policy"),
                        r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant(),
                        r.getLong("read_seq"), r.getLong("delivered_seq"), steps, msgs)));
    }

    private Uni<List<Step>> history(UUID conversationId) {
        return pool.preparedQuery("""
                SELECT kind, actor_kind, created_at FROM conversation_event
                WHERE conversation_id = $1 AND kind <> 'message' ORDER BY tx, id""")
                .execute(Tuple.of(conversationId)).map(rows -> {
                    List<Step> steps = new ArrayList<>();
                    rows.forEach(r -> steps.add(new Step(r.getString("kind"), r.getString("actor_kind"),
                            r.getOffsetDateTime("created_at").toInstant())));
                    return steps;
                });
    }

    /** Every message, in pages through the message path's own reader (it opens bodies and describes files). */
    private Uni<List<InsightMessage>> messages(UUID conversationId, long after, List<InsightMessage> acc,
            boolean staffView) {
        return store.after(conversationId, after, PAGE).flatMap(page -> {
            for (Message m : page) {
                Message v = m.visibleTo(staffView);
                acc.add(new InsightMessage(v.seq(), v.sender().kind().name(), v.sender().name(), v.body(),
                        v.bodyError(), v.channel().name(), v.createdAt(), v.retractedAt(), v.correction(),
                        v.attachments()));
            }
            return page.size() < PAGE
                    ? Uni.createFrom().item(acc)
                    : messages(conversationId, page.get(page.size() - 1).seq(), acc, staffView);
        });
    }
}

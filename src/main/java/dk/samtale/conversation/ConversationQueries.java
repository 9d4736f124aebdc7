package dk.samtale.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.identity.Caller;
import dk.samtale.identity.Citizens;
import dk.samtale.platform.Times;

/**
 * The conversation read model: conversations as one caller sees them, with unread counts. Visibility
 * is part of every query (tenant, and the caller's citizen id or units), so a conversation the caller
 * may not see is indistinguishable from one that does not exist.
 */
@ApplicationScoped
class ConversationQueries {

    enum View {
        all, mine, unassigned
    }

    /**
     * Who sees a conversation: its citizen (unless guardians are its parties: then the child is its subject,
     * not a party), the staff of its unit, and the guardians it names while the child is under 18 (the
     * caller's wards, evaluated at this access). A child's own conversation never names guardians (V16).
     */
    static final String SCOPE = """
            (c.citizen_id = $2 AND c.parties <> 'guardians' OR c.unit_id = ANY($3)
             OR c.parties = 'guardians' AND c.citizen_id = ANY($6) AND $2 = ANY(c.guardian_ids))""";
    // $1 tenant, $2 citizen scope, $3 unit scope, $4 the caller's id, $5 the caller's kind, $6 the caller's wards
    // (children the caller is a guardian of now: they see the child's conversations that name them as parties)
    private static final String SELECT = """
            SELECT c.id, c.subject, c.subject_enc, c.status, c.case_number, c.kle_class, c.action_facet, c.last_seq, c.last_message_at, c.created_at,
                   c.updated_at, c.channel_policy, c.parties, c.guardian_ids, c.unit_id, u.name AS unit_name, c.citizen_id, ci.name_enc AS citizen_name_enc,
                   c.assignee_id, s.name AS assignee_name, coalesce(rc.read_seq, 0) AS read_seq,
                   (SELECT count(*) FROM message m WHERE m.conversation_id = c.id
                       AND m.seq > coalesce(rc.read_seq, 0) AND m.sender_id <> $4 AND m.retracted_at IS NULL) AS unread,
                   (SELECT coalesce(max(r.read_seq), 0) FROM read_cursor r WHERE r.conversation_id = c.id
                       AND r.reader_kind <> $5) AS counterpart_read_seq,
                   (SELECT coalesce(max(greatest(r.delivered_seq, r.read_seq)), 0) FROM read_cursor r
                       WHERE r.conversation_id = c.id AND r.reader_kind <> $5) AS counterpart_delivered_seq,
                   CASE WHEN c.status = 'open' THEN (SELECT min(w.created_at) FROM message w
                       WHERE w.conversation_id = c.id AND w.sender_kind = 'citizen' AND w.retracted_at IS NULL
                       AND w.seq > coalesce((SELECT max(a.seq) FROM message a
                           WHERE a.conversation_id = c.id AND a.sender_kind = 'staff'), 0)) END AS waiting_since,
                   lm.id AS last_id, lm.seq AS last_seq_of, lm.sender_kind AS last_sender_kind, lm.sender_id AS last_sender_id,
                   lm.body_enc AS last_body_enc, ls.name AS last_sender_name, lm.retracted_at AS last_retracted_at,
                   lm.correction AS last_correction,
                   (SELECT mc.body_enc FROM message_correction mc WHERE lm.correction IS NOT NULL
                       AND mc.message_id = lm.id AND mc.version = lm.correction) AS last_correction_enc
            FROM conversation c
            JOIN unit u ON u.id = c.unit_id
            JOIN citizen ci ON ci.id = c.citizen_id
            LEFT JOIN staff_member s ON s.id = c.assignee_id
            LEFT JOIN LATERAL (SELECT m.id, m.seq, m.sender_kind, m.sender_id, m.body_enc, m.retracted_at,
                    m.correction FROM message m
                WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1) lm ON true
            LEFT JOIN staff_member ls ON ls.id = lm.sender_id AND lm.sender_kind = 'staff'
            LEFT JOIN read_cursor rc ON rc.conversation_id = c.id AND rc.reader_id = $4
            WHERE c.tenant_id = $1 AND """
            + SCOPE;

    private final Pool pool;
    private final ConversationKeys keys;
    private final ChildRules children;
    private final Parties parties;

    ConversationQueries(Pool pool, ConversationKeys keys, ChildRules children, Parties parties) {
        this.parties = parties;
        this.pool = pool;
        this.keys = keys;
        this.children = children;
    }

    Uni<ConversationView> find(Caller caller, UUID id) {
        return parties.wards(caller).flatMap(wards -> find(caller, wards, id));
    }

    private Uni<ConversationView> find(Caller caller, UUID[] wards, UUID id) {
        Tuple args = scope(caller, wards).addUUID(id);
        return pool.preparedQuery(SELECT + " AND c.id = $7").execute(args)
                .flatMap(rows -> rows.size() == 0
                        ? Uni.createFrom().<ConversationView>nullItem()
                        : keysOf(caller.tenantId(), rows).map(k -> view(rows.iterator().next(), k, caller.tenantId())))
                .call(v -> v == null ? Uni.createFrom().voidItem() : children.check(caller, v.unit().id(), false));
    }

    /** Where a visible conversation's events go, and whether it is open. */
    record Access(Route route, Conversation.Status status) {
    }

    /**
     * The route and status of a conversation the caller may see, or null. One indexed row and no counts:
     * what authorising a receipt, a typing notice or a page needs, without building the caller's view.
     */
    Uni<Access> access(Caller caller, UUID id) {
        return parties.wards(caller).flatMap(wards -> pool.preparedQuery("""
                SELECT unit_id, citizen_id, status FROM conversation
                WHERE id = $1 AND tenant_id = $2 AND (citizen_id = $3 AND parties <> 'guardians' OR unit_id = ANY($4)
                  OR parties = 'guardians' AND citizen_id = ANY($5) AND $3 = ANY(guardian_ids))""")
                .execute(Tuple.of(id, caller.tenantId(), caller.isCitizen() ? caller.id() : nil(),
                        caller.unitIds().toArray(UUID[]::new), wards)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return (Access) null;
                    }
                    Row r = rows.iterator().next();
                    return new Access(new Route(caller.tenantId(), r.getUUID("unit_id"), r.getUUID("citizen_id"), id),
                            Conversation.Status.valueOf(r.getString("status")));
                })
                // a child below the unit's minimum age is refused every frame and page of its conversations
                .call(a -> a == null
                        ? Uni.createFrom().voidItem()
                        : children.check(caller, a.route().unitId(), false));
    }

    /** The list's order: newest activity first, or the longest-waiting citizen first. */
    enum Sort {
        newest, waiting
    }

    Uni<List<ConversationView>> list(Caller caller, Conversation.Status status, View view, int limit) {
        return list(caller, status, view, Sort.newest, null, limit);
    }

    /** Like the plain list, in the given order, optionally narrowed to one citizen's conversations. */
    Uni<List<ConversationView>> list(Caller caller, Conversation.Status status, View view, Sort sort, UUID citizenId,
            int limit) {
        return parties.wards(caller).flatMap(wards -> list(caller, wards, status, view, sort, citizenId, limit));
    }

    private Uni<List<ConversationView>> list(Caller caller, UUID[] wards, Conversation.Status status, View view,
            Sort sort, UUID citizenId, int limit) {
        String filter = switch (view) {
            case all -> "";
            case mine -> " AND c.assignee_id = $4";
            case unassigned -> " AND c.assignee_id IS NULL";
        };
        String order = switch (sort) {
            case newest -> " ORDER BY c.updated_at DESC";
            case waiting -> " ORDER BY waiting_since ASC NULLS LAST, c.updated_at DESC";
        };
        Tuple args = scope(caller, wards).addString(status.name()).addInteger(limit);
        if (citizenId != null) {
            filter += " AND c.citizen_id = $9";
            args.addUUID(citizenId);
        }
        String sql = SELECT + " AND c.status = $7" + filter + order + " LIMIT $8";
        return pool.preparedQuery(sql).execute(args)
                .flatMap(rows -> keysOf(caller.tenantId(), rows).map(k -> {
                    List<ConversationView> list = new ArrayList<>(rows.size());
                    rows.forEach(r -> list.add(view(r, k, caller.tenantId())));
                    return list;
                })).flatMap(list -> forChild(caller, list));
    }

    /**
     * A child's list leaves out the conversations of units whose minimum age the child has not reached (the
     * settings are cached; nobody else's list is touched).
     */
    private Uni<List<ConversationView>> forChild(Caller caller, List<ConversationView> list) {
        if (!children.applies(caller) || list.isEmpty()) {
            return Uni.createFrom().item(list);
        }
        List<UUID> units = list.stream().map(v -> v.unit().id()).distinct().toList();
        return Uni.join().all(units.stream().map(children::settings).toList()).andFailFast().map(settings -> {
            java.util.Set<UUID> allowed = new java.util.HashSet<>();
            for (int i = 0; i < units.size(); i++) {
                if (children.mayUse(caller, settings.get(i))) {
                    allowed.add(units.get(i));
                }
            }
            return list.stream().filter(v -> allowed.contains(v.unit().id())).toList();
        });
    }

    /**
     * The counts of a staff caller's views, in one pass over the units' conversations. "Awaiting reply"
     * is the unit's state: the citizen wrote after the last staff message, whoever in the unit wrote it.
     */
    Uni<ConversationCounts> counts(Caller caller) {
        return pool.preparedQuery("""
                SELECT count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id = $3) AS mine,
                       count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id IS NULL) AS unassigned,
                       count(*) FILTER (WHERE c.status = 'open') AS open,
                       count(*) FILTER (WHERE c.status = 'closed') AS closed,
                       count(*) FILTER (WHERE c.status = 'open' AND EXISTS (SELECT 1 FROM message w
                           WHERE w.conversation_id = c.id AND w.sender_kind = 'citizen' AND w.retracted_at IS NULL
                           AND w.seq > coalesce((SELECT max(a.seq) FROM message a
                               WHERE a.conversation_id = c.id AND a.sender_kind = 'staff'), 0))) AS awaiting
                FROM conversation c WHERE c.tenant_id = $1 AND c.unit_id = ANY($2)""")
                .execute(Tuple.of(caller.tenantId(), caller.unitIds().toArray(UUID[]::new), caller.id()))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new ConversationCounts(r.getLong("mine"), r.getLong("unassigned"), r.getLong("open"),
                            r.getLong("closed"), r.getLong("awaiting"));
                });
    }

    /** How many of the newest conversations in scope a search looks through. */
    static final int SEARCH_SCAN = 5000;

    /**
     * Conversations whose citizen name or subject contains every word of {@code q} (case-insensitive),
     * newest activity first. Names are sealed, so the database cannot match them: the names of the
     * caller's conversations (newest {@link #SEARCH_SCAN}) are opened here and matched in memory — about
     * 7 µs per name, so a municipality's 2,000 conversations cost ~15 ms — and the page is then read
     * with the usual query. No name or search text is written anywhere (no index, no log).
     */
    Uni<List<ConversationView>> search(Caller caller, Conversation.Status status, View view, String q, int limit) {
        return parties.wards(caller).flatMap(wards -> search(caller, wards, status, view, q, limit));
    }

    private Uni<List<ConversationView>> search(Caller caller, UUID[] wards, Conversation.Status status, View view,
            String q, int limit) {
        List<String> words = java.util.Arrays.stream(normalise(q).split(" ")).filter(w -> !w.isEmpty()).toList();
        String filter = switch (view) {
            case all -> "";
            case mine -> " AND c.assignee_id = $4";
            case unassigned -> " AND c.assignee_id IS NULL";
        };
        // the shared scope tuple; $4 and $5 are named in the query only so PostgreSQL knows their types
        Tuple args = scope(caller, wards).addString(status.name()).addInteger(SEARCH_SCAN);
        return pool
                .preparedQuery("""
                        SELECT c.id, c.subject, c.subject_enc, c.citizen_id, ci.name_enc FROM conversation c
                        JOIN citizen ci ON ci.id = c.citizen_id
                        WHERE c.tenant_id = $1 AND""" + " " + SCOPE + """
                        AND c.status = $7 AND $4::uuid IS NOT NULL AND $5::text IS NOT NULL""" + filter
                        + " ORDER BY c.updated_at DESC LIMIT $8")
                .execute(args).flatMap(rows -> keysOf(caller.tenantId(), rows).flatMap(k -> {
                    List<UUID> hits = new ArrayList<>();
                    for (Row r : rows) {
                        var enc = r.getBuffer("name_enc");
                        String name = Citizens.name(k, caller.tenantId(), r.getUUID("citizen_id"),
                                enc == null ? null : enc.getBytes());
                        String subject = subject(r, k, caller.tenantId());
                        String text = normalise((name == null ? "" : name) + " "
                                + (subject == null ? "" : subject));
                        if (words.stream().allMatch(text::contains)) {
                            hits.add(r.getUUID("id"));
                            if (hits.size() == limit) {
                                break;
                            }
                        }
                    }
                    if (hits.isEmpty()) {
                        return Uni.createFrom().item(List.<ConversationView>of());
                    }
                    return pool.preparedQuery(SELECT + " AND c.id = ANY($7) ORDER BY c.updated_at DESC")
                            .execute(scope(caller, wards).addArrayOfUUID(hits.toArray(UUID[]::new)))
                            .map(page -> {
                                List<ConversationView> list = new ArrayList<>(page.size());
                                page.forEach(r -> list.add(view(r, k, caller.tenantId())));
                                return list;
                            }).flatMap(list -> forChild(caller, list));
                }));
    }

    /** Lower case, compatibility-normalised, single spaces: "Sofie  JENSEN" and "sofie jensen" match. */
    static String normalise(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC).toLowerCase(java.util.Locale.ROOT)
                .replaceAll("\\s+", " ").strip();
    }

    static Tuple scope(Caller caller, UUID[] wards) {
        return Tuple.tuple(List.of(caller.tenantId(), caller.isCitizen() ? caller.id() : nil(),
                caller.unitIds().toArray(UUID[]::new), caller.id(), caller.kind().name(), wards));
    }

    private static UUID nil() {
        // no citizen has this id: a staff caller's citizen scope matches nothing
        return new UUID(0, 0);
    }

    /** The tenant's keys with those of the conversations in these rows (column {@code id}). */
    private Uni<TenantKeys> keysOf(UUID tenantId, Iterable<Row> rows) {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID("id")));
        return keys.of(tenantId, ids);
    }

    /** Sealed like names, so a search opens and matches subjects in memory too. */
    private static String subject(Row r, TenantKeys keys, UUID tenantId) {
        var sealed = r.getBuffer("subject_enc");
        return Subjects.open(keys, tenantId, r.getUUID("id"), r.getString("subject"),
                sealed == null ? null : sealed.getBytes());
    }

    private static ConversationView view(Row r, TenantKeys keys, UUID tenantId) {
        UUID assignee = r.getUUID("assignee_id");
        var nameEnc = r.getBuffer("citizen_name_enc");
        String citizenName = Citizens.name(keys, tenantId, r.getUUID("citizen_id"),
                nameEnc == null ? null : nameEnc.getBytes());
        return new ConversationView(r.getUUID("id"),
                new ConversationView.Ref(r.getUUID("unit_id"), r.getString("unit_name")),
                new ConversationView.Ref(r.getUUID("citizen_id"), citizenName),
                subject(r, keys, tenantId), Conversation.Status.valueOf(r.getString("status")),
                assignee == null ? null : new ConversationView.Ref(assignee, r.getString("assignee_name")),
                r.getString("case_number"), r.getString("kle_class"), r.getLong("last_seq"),
                Times.instant(r.getOffsetDateTime("last_message_at")), Times.instant(r.getOffsetDateTime("created_at")),
                Times.instant(r.getOffsetDateTime("updated_at")), r.getLong("read_seq"), r.getLong("unread"),
                r.getLong("counterpart_read_seq"), r.getString("action_facet"), r.getString("channel_policy"),
                r.getLong("counterpart_delivered_seq"), r.getValue("waiting_since") != null,
                Times.instant(r.getOffsetDateTime("waiting_since")), lastMessage(r, keys, tenantId, citizenName),
                r.getString("parties"), guardianIds(r));
    }

    private static List<UUID> guardianIds(Row r) {
        UUID[] ids = r.getArrayOfUUIDs("guardian_ids");
        return ids == null ? List.of() : List.of(ids);
    }

    /** What the list shows for a newest message its sender retracted. */
    static final String RETRACTED_PREVIEW = "Beskeden blev trukket tilbage";

    private static ConversationView.LastMessage lastMessage(Row r, TenantKeys keys, UUID tenantId,
            String citizenName) {
        UUID id = r.getUUID("last_id");
        if (id == null) {
            return null;
        }
        String kind = r.getString("last_sender_kind");
        UUID sender = r.getUUID("last_sender_id");
        String name = switch (kind) {
            case "citizen" -> citizenName;
            case "staff" -> r.getString("last_sender_name");
            default -> null;
        };
        Integer correction = r.getInteger("last_correction");
        var enc = r.getBuffer(correction == null ? "last_body_enc" : "last_correction_enc");
        String body;
        if (r.getValue("last_retracted_at") != null) {
            body = RETRACTED_PREVIEW; // the text is gone from every view
        } else if (enc == null) {
            body = null;
        } else {
            UUID conversation = r.getUUID("id");
            body = keys.openOrNull(correction == null
                    ? dk.samtale.crypto.Binding.messageBody(tenantId, conversation, id)
                    : dk.samtale.crypto.Binding.messageCorrection(tenantId, conversation, id, correction, "body"),
                    enc.getBytes());
        }
        return new ConversationView.LastMessage(r.getLong("last_seq_of"), kind,
                new ConversationView.Ref(sender, name), ConversationView.LastMessage.preview(body));
    }
}

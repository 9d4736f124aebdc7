package dk.samtale.conversation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.identity.Actor;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * Messages in PostgreSQL through the reactive client. The message path is one statement: it is
 * atomic on its own, so it needs no explicit transaction and costs one round trip. Bodies are sealed
 * before the statement (AES-256-GCM under the tenant's active data key, bound to the message id) and
 * opened after every read; the database only ever sees ciphertext.
 */
@ApplicationScoped
class MessageStore {

    /** What a post attempt came to. */
    sealed interface Outcome {
        record Stored(Message message, Route route) implements Outcome {
        }

        /** The sender already sent this clientMessageId: here is the original. */
        record Duplicate(Message original) implements Outcome {
        }

        /** No open conversation visible to the sender with that id. */
        record Refused() implements Outcome {
        }

        /** A named file cannot go with the message (nothing was stored). */
        record FilesRefused() implements Outcome {
        }
    }

    private static final String COLUMNS = """
            m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_id, m.client_message_id, m.body_enc, m.channel,
            m.created_at, c.tenant_id, s.name AS staff_name, ci.name_enc AS citizen_name_enc, m.sms_allowed,
            m.attachment_ids, m.retracted_at, m.correction, mc.body_enc AS correction_body_enc,
            mc.reason_enc AS correction_reason_enc, mc.created_at AS corrected_at""";
    // the newest correction, joined only for a corrected message (m.correction is null for all others)
    private static final String FROM = """
            FROM message m
            JOIN conversation c ON c.id = m.conversation_id
            LEFT JOIN staff_member s ON m.sender_kind = 'staff' AND s.id = m.sender_id
            LEFT JOIN citizen ci ON m.sender_kind = 'citizen' AND ci.id = m.sender_id
            LEFT JOIN message_correction mc ON m.correction IS NOT NULL AND mc.message_id = m.id
                AND mc.version = m.correction""";

    // Takes the next seq under the conversation's row lock and inserts the message and its one event, all or
    // nothing. The WHERE clause is the authorisation: the sender must be the conversation's citizen or a
    // member of its unit, or a guardian it names as a party whose ward ($14, cached) the child still is, in the
    // same tenant, and the conversation must be open. Nothing of push, SMS or the
    // journal is here: they follow the event log after commit (platform.EventLog), each with its own policy.
    // The event carries the route and the conversation's channel policy at this moment, so no consumer
    // reads the conversation for them. Kept short (under the client's prepared-statement cache limit).
    static final String POST = """
            WITH c AS (
              UPDATE conversation SET last_seq = last_seq + 1, last_message_at = $9, updated_at = $9
              WHERE id = $1 AND tenant_id = $2 AND status = 'open' AND (citizen_id = $3 AND parties <> 'guardians'
                OR unit_id = ANY($4) OR parties = 'guardians' AND citizen_id = ANY($14) AND $3 = ANY(guardian_ids))
              RETURNING id, last_seq, unit_id, citizen_id, channel_policy),
            e AS (
              INSERT INTO conversation_event (tenant_id, conversation_id, unit_id, citizen_id, kind, message_id, seq,
                                              actor_kind, actor_id, created_at, detail)
              SELECT $2, c.id, c.unit_id, c.citizen_id, 'message', $5, c.last_seq, $6, $7, $9,
                     jsonb_build_object('channelPolicy', c.channel_policy, 'smsAllowed', $13::boolean) FROM c)
            INSERT INTO message (id, conversation_id, seq, sender_kind, sender_id, client_message_id, body_enc, body_key,
                                 channel, created_at, sms_allowed)
            SELECT $5, c.id, c.last_seq, $6, $7, $8, $10, $11, $12, $9, $13 FROM c
            RETURNING seq, (SELECT unit_id FROM c) AS unit_id, (SELECT citizen_id FROM c) AS citizen_id""";

    // The same statement for a message that carries files: the message row names them (ids only) and the
    // event says so in its detail ("attachments"), so consumers learn of them without reading the
    // attachment feature's tables. The files themselves are linked by the attachment feature, in its own
    // table, on the same transaction (MessageFiles.link) just before this statement.
    static final String POST_WITH_FILES = withFiles(POST);

    private final Pool pool;
    private final ConversationKeys keys;
    private final MessageFiles files;

    MessageStore(Pool pool, ConversationKeys keys, MessageFiles files) {
        this.pool = pool;
        this.keys = keys;
        this.files = files;
    }

    private static String withFiles(String post) {
        String s = post
                .replace("'smsAllowed', $13::boolean)",
                        "'smsAllowed', $13::boolean, 'attachments', to_jsonb($15::uuid[]))")
                .replace("channel, created_at, sms_allowed)", "channel, created_at, sms_allowed, attachment_ids)")
                .replace("$12, $9, $13 FROM c", "$12, $9, $13, $15 FROM c");
        if (!s.contains("'attachments', to_jsonb($15::uuid[])") || !s.contains("sms_allowed, attachment_ids)")
                || !s.contains("$13, $15 FROM c")) {
            throw new IllegalStateException("the message statement changed: update withFiles");
        }
        return s;
    }

    Uni<Outcome> post(UUID tenantId, UUID citizenScope, UUID[] unitScope, Message draft) {
        return post(tenantId, citizenScope, unitScope, new UUID[0], draft, List.of());
    }

    /**
     * Stores a message. Without files: the one statement, one round trip. With files: the attachment
     * feature links them and the statement runs, in one transaction — both or neither.
     */
    Uni<Outcome> post(UUID tenantId, UUID citizenScope, UUID[] unitScope, UUID[] wards, Message draft,
            List<UUID> fileIds) {
        if (!fileIds.isEmpty()) {
            return postWithFiles(tenantId, citizenScope, unitScope, wards, draft, fileIds);
        }
        return keys.of(tenantId, draft.conversationId()).flatMap(tenantKeys -> pool.preparedQuery(POST)
                .execute(args(tenantId, citizenScope, unitScope, wards, draft, tenantKeys, null)))
                .onItem().transformToUni(rows -> {
                    if (rows.size() == 0) {
                        // not visible or closed; or a retry of a message sent before the conversation closed
                        return original(draft).map(o -> o == null ? new Outcome.Refused() : o);
                    }
                    Row row = rows.iterator().next();
                    Message stored = new Message(draft.id(), draft.conversationId(), row.getLong("seq"), draft.sender(),
                            draft.clientMessageId(), draft.body(), null, draft.channel(), draft.createdAt(),
                            draft.smsAllowed(), null);
                    Route route = new Route(tenantId, row.getUUID("unit_id"), row.getUUID("citizen_id"),
                            draft.conversationId());
                    return Uni.createFrom().<Outcome>item(new Outcome.Stored(stored, route));
                }).onFailure(MessageStore::isIdempotencyConflict).recoverWithUni(() -> original(draft)
                        .map(MessageStore::sameConversation));
    }

    private Uni<Outcome> postWithFiles(UUID tenantId, UUID citizenScope, UUID[] unitScope, UUID[] wards,
            Message draft, List<UUID> fileIds) {
        MessageFiles.Link link = new MessageFiles.Link(tenantId, draft.conversationId(), draft.sender().id(),
                draft.id(), draft.clientMessageId(), fileIds);
        UUID[] ids = fileIds.toArray(UUID[]::new);
        return keys.of(tenantId, draft.conversationId())
                .flatMap(tenantKeys -> pool.withTransaction(tx -> files.link(tx, link)
                        .flatMap(linked -> tx.preparedQuery(POST_WITH_FILES)
                                .execute(args(tenantId, citizenScope, unitScope, wards, draft, tenantKeys, ids))
                                .map(rows -> {
                                    if (rows.size() == 0) {
                                        // roll the links back too
                                        throw new NotStored();
                                    }
                                    Row row = rows.iterator().next();
                                    Message stored = new Message(draft.id(), draft.conversationId(), row.getLong("seq"),
                                            draft.sender(), draft.clientMessageId(), draft.body(), null,
                                            draft.channel(),
                                            draft.createdAt(), draft.smsAllowed(), null, null, linked, null, null);
                                    return (Outcome) new Outcome.Stored(stored,
                                            new Route(tenantId, row.getUUID("unit_id"),
                                                    row.getUUID("citizen_id"), draft.conversationId()));
                                }))))
                // a retry of a stored message finds its files linked already: the original ack, as without files
                .onFailure(NotStored.class).recoverWithUni(() -> original(draft)
                        .map(o -> o == null ? new Outcome.Refused() : o))
                .onFailure(MessageFiles.NotLinked.class).recoverWithUni(() -> original(draft)
                        .map(o -> o == null ? new Outcome.FilesRefused() : o))
                .onFailure(MessageStore::isIdempotencyConflict).recoverWithUni(() -> original(draft)
                        .map(MessageStore::sameConversation));
    }

    /** Why the files could not go (after the rollback): a failed Uni with the attachment feature's problem. */
    <T> Uni<T> filesRefusal(UUID tenantId, Message draft, List<UUID> fileIds) {
        return files.refusal(new MessageFiles.Link(tenantId, draft.conversationId(), draft.sender().id(), draft.id(),
                draft.clientMessageId(), fileIds));
    }

    void checkFiles(List<UUID> fileIds) {
        files.check(fileIds);
    }

    private static Tuple args(UUID tenantId, UUID citizenScope, UUID[] unitScope, UUID[] wards, Message draft,
            TenantKeys tenantKeys, UUID[] fileIds) {
        Binding body = Binding.messageBody(tenantId, draft.conversationId(), draft.id());
        byte[] sealed = tenantKeys.seal(body, draft.body());
        List<Object> args = new ArrayList<>(List.of(draft.conversationId(), tenantId, citizenScope, unitScope,
                draft.id(), draft.sender().kind().name(), draft.sender().id(), draft.clientMessageId(),
                Times.utc(draft.createdAt()), Buffer.buffer(sealed), tenantKeys.keyIdFor(body), draft.channel().name(),
                draft.smsAllowed(), wards));
        if (fileIds != null) {
            args.add(fileIds);
        }
        return Tuple.tuple(args);
    }

    private static Outcome sameConversation(Outcome original) {
        if (original == null) {
            // the sender used this clientMessageId in another conversation: never answer with that ack
            throw ProblemException.invalid("clientMessageId", "already used for a message in another conversation");
        }
        return original;
    }

    /** The message statement found no open conversation the sender may post to (inside a transaction). */
    private static final class NotStored extends RuntimeException {
        NotStored() {
            super(null, null, false, false);
        }
    }

    /** The sender's earlier message with this clientMessageId in the same conversation, or null. */
    private Uni<Outcome> original(Message draft) {
        return read("SELECT " + COLUMNS + " " + FROM
                + " WHERE m.sender_id = $1 AND m.client_message_id = $2 AND m.conversation_id = $3",
                Tuple.of(draft.sender().id(), draft.clientMessageId(), draft.conversationId()))
                .map(list -> list.isEmpty() ? null : new Outcome.Duplicate(list.get(0)));
    }

    /** Messages with seq in (afterSeq, afterSeq + limit], ascending. */
    Uni<List<Message>> after(UUID conversationId, long afterSeq, int limit) {
        return read(
                "SELECT " + COLUMNS + " " + FROM
                        + " WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3",
                Tuple.of(conversationId, afterSeq, limit));
    }

    /** The {@code limit} messages just before {@code beforeSeq}, ascending. */
    Uni<List<Message>> before(UUID conversationId, long beforeSeq, int limit) {
        return read("SELECT " + COLUMNS + " " + FROM
                + " WHERE m.conversation_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3",
                Tuple.of(conversationId, beforeSeq, limit))
                .map(list -> {
                    java.util.Collections.reverse(list);
                    return list;
                });
    }

    Uni<List<Message>> byIds(Collection<UUID> ids) {
        return read("SELECT " + COLUMNS + " " + FROM + " WHERE m.id = ANY($1) ORDER BY m.conversation_id, m.seq",
                Tuple.of(ids.toArray(UUID[]::new)));
    }

    Uni<Boolean> retracted(UUID messageId) {
        return pool.preparedQuery("SELECT retracted_at IS NOT NULL FROM message WHERE id = $1")
                .execute(Tuple.of(messageId))
                .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean(0));
    }

    /**
     * Moves a reader's read or delivered cursor forward (never back, never past the last message).
     * Returns the new cursor value, or -1 when nothing moved.
     */
    Uni<Long> moveCursor(UUID conversationId, Actor reader, ConversationEvent.Cursor cursor, long seq) {
        String column = cursor == ConversationEvent.Cursor.read ? "read_seq" : "delivered_seq";
        String sql = """
                INSERT INTO read_cursor AS r (conversation_id, reader_id, reader_kind, %1$s)
                SELECT c.id, $2, $3, least($4, c.last_seq) FROM conversation c WHERE c.id = $1
                ON CONFLICT (conversation_id, reader_id) DO UPDATE SET %1$s = EXCLUDED.%1$s
                WHERE r.%1$s < EXCLUDED.%1$s
                RETURNING %1$s""".formatted(column);
        return pool.preparedQuery(sql).execute(Tuple.of(conversationId, reader.id(), reader.kind().name(), seq))
                .map(rows -> rows.size() == 0 ? -1L : rows.iterator().next().getLong(0));
    }

    /** Runs a message query and opens every body with its conversation's keys. */
    private Uni<List<Message>> read(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).flatMap(rows -> {
            Map<UUID, java.util.Set<UUID>> conversations = new java.util.LinkedHashMap<>();
            rows.forEach(r -> conversations.computeIfAbsent(r.getUUID("tenant_id"), t -> new java.util.HashSet<>())
                    .add(r.getUUID("conversation_id")));
            if (conversations.isEmpty()) {
                return Uni.createFrom().item(new ArrayList<>());
            }
            List<UUID> tenants = new ArrayList<>(conversations.keySet());
            List<Uni<TenantKeys>> loads = tenants.stream().map(t -> keys.of(t, conversations.get(t))).toList();
            return Uni.join().all(loads).andFailFast().map(loaded -> {
                Map<UUID, TenantKeys> byTenant = new HashMap<>();
                for (int i = 0; i < tenants.size(); i++) {
                    byTenant.put(tenants.get(i), loaded.get(i));
                }
                return messages(rows, byTenant);
            }).flatMap(list -> withFiles(rows, list));
        });
    }

    private static List<Message> messages(RowSet<Row> rows, Map<UUID, TenantKeys> keys) {
        List<Message> list = new ArrayList<>(rows.size());
        rows.forEach(r -> list.add(message(r, keys.get(r.getUUID("tenant_id")))));
        return list;
    }

    /**
     * Describes the files of the messages that carry any (their rows name them), one query per tenant;
     * messages without files cost nothing more.
     */
    private Uni<List<Message>> withFiles(RowSet<Row> rows, List<Message> list) {
        Map<UUID, Map<UUID, List<UUID>>> byTenant = new HashMap<>();
        for (Row r : rows) {
            UUID[] ids = r.getArrayOfUUIDs("attachment_ids");
            if (ids != null && ids.length > 0) {
                byTenant.computeIfAbsent(r.getUUID("tenant_id"), t -> new HashMap<>()).put(r.getUUID("id"),
                        List.of(ids));
            }
        }
        if (byTenant.isEmpty()) {
            return Uni.createFrom().item(list);
        }
        List<Uni<Map<UUID, List<MessageFiles.File>>>> loads = byTenant.entrySet().stream()
                .map(e -> files.of(e.getKey(), e.getValue())).toList();
        return Uni.join().all(loads).andFailFast().map(described -> {
            Map<UUID, List<MessageFiles.File>> all = new HashMap<>();
            described.forEach(all::putAll);
            // callers reorder the list in place
            List<Message> out = new ArrayList<>(list.size());
            // a retracted message shows no files, as it shows no text
            list.forEach(m -> out.add(all.containsKey(m.id()) && m.retractedAt() == null
                    ? m.withAttachments(all.get(m.id()))
                    : m));
            return out;
        });
    }

    private static Message message(Row r, TenantKeys keys) {
        UUID tenant = r.getUUID("tenant_id");
        UUID id = r.getUUID("id");
        UUID senderId = r.getUUID("sender_id");
        Actor.ActorKind kind = Actor.ActorKind.valueOf(r.getString("sender_kind"));
        String senderName = kind == Actor.ActorKind.citizen
                ? keys.openOrNull(Binding.citizen(tenant, senderId, "name"), bytes(r, "citizen_name_enc"))
                : r.getString("staff_name");
        java.time.Instant retractedAt = Times.instant(r.getOffsetDateTime("retracted_at"));
        String body = null;
        String bodyError = null;
        Message.Correction correction = null;
        if (retractedAt == null) {
            try {
                body = keys.open(Binding.messageBody(tenant, r.getUUID("conversation_id"), id), bytes(r, "body_enc"));
            } catch (Unreadable e) {
                bodyError = e.reason().code();
            }
            Integer version = r.getInteger("correction");
            if (version != null) {
                // the corrected text is the body now; the original (and the reason) are for staff, see visibleTo
                String original = body;
                body = null;
                bodyError = null;
                try {
                    body = keys.open(
                            Binding.messageCorrection(tenant, r.getUUID("conversation_id"), id, version, "body"),
                            bytes(r, "correction_body_enc"));
                } catch (Unreadable e) {
                    bodyError = e.reason().code();
                }
                correction = new Message.Correction(version, Times.instant(r.getOffsetDateTime("corrected_at")),
                        keys.openOrNull(
                                Binding.messageCorrection(tenant, r.getUUID("conversation_id"), id, version, "reason"),
                                bytes(r, "correction_reason_enc")),
                        original);
            }
        }
        return new Message(id, r.getUUID("conversation_id"), r.getLong("seq"), new Actor(kind, senderId, senderName),
                r.getString("client_message_id"), body, bodyError, Message.Channel.valueOf(r.getString("channel")),
                Times.instant(r.getOffsetDateTime("created_at")), r.getBoolean("sms_allowed"), null, null,
                List.of(), retractedAt, correction);
    }

    private static byte[] bytes(Row r, String column) {
        var b = r.getBuffer(column);
        return b == null ? null : b.getBytes();
    }

    private static boolean isIdempotencyConflict(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState())
                && String.valueOf(pg.getConstraint()).equals("message_idempotency");
    }
}

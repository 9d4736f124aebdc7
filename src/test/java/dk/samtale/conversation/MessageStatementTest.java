package dk.samtale.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/**
 * The message statement does what the message itself needs and nothing else: the conversation's seq, the
 * message row and one event row. Measured by PostgreSQL itself: {@code pg_stat_xact_user_tables} counts,
 * per table, the rows this transaction inserted, updated or deleted and the scans it made, so running the
 * statement in a transaction (rolled back) and reading it before the end shows every table it touched —
 * including reads of another feature's tables (push devices, SMS settings), which the statement used to
 * make. The conversation has everything that used to add work: a citizen device (push), the sms channel
 * policy in a tenant with SMS, a staff sender.
 */
@QuarkusTest
class MessageStatementTest {

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> user;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @Test
    void theMessageStatementTouchesOnlyConversationMessageAndTheEventLog() {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        Api.as(citizen).body(Map.of("token", "statement-" + UUID.randomUUID() + "-".repeat(20), "platform", "android",
                "appVersion", "1.0.0", "locale", "da-DK")).post("/api/v1/devices").then().statusCode(201);
        // (the API needs a verified number for it; the statement only sees the column)
        pool.preparedQuery("UPDATE conversation SET channel_policy = 'sms' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(conversation))).await().indefinitely();

        UUID tenant = UUID.fromString("00000000-0000-7000-8000-000000000001");
        Tuple args = Tuple.tuple(List.of(UUID.fromString(conversation), tenant, new UUID(0, 0),
                new UUID[]{UUID.fromString(World.UNIT_X)}, UUID.randomUUID(), "staff", UUID.randomUUID(),
                "statement-test", OffsetDateTime.now(ZoneOffset.UTC), Buffer.buffer(new byte[]{1, 2, 3}), 1, "web",
                true, new UUID[0]));
        Map<String, String> touched = touched(MessageStore.POST, args);

        assertEquals(List.of("conversation", "conversation_event", "message"), List.copyOf(touched.keySet()),
                "tables the message statement touched: " + touched);
        assertTrue(touched.get("conversation").startsWith("inserted 0, updated 1, deleted 0"), touched.toString());
        assertTrue(touched.get("message").startsWith("inserted 1, updated 0, deleted 0"), touched.toString());
        assertTrue(touched.get("conversation_event").startsWith("inserted 1, updated 0, deleted 0"),
                touched.toString());
    }

    /** Runs {@code sql} in a transaction of its own connection, rolled back; the tables it touched. */
    private Map<String, String> touched(String sql, Tuple args) {
        Map<String, String> touched = new TreeMap<>();
        // a connection of its own: a backend's counters also hold its earlier transactions until it reports
        // them (every 500 ms at most), so a pooled connection could show another statement's tables
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        PgConnection.connect(vertx, options).flatMap(c -> c.begin().flatMap(tx -> c.preparedQuery(sql)
                .execute(args)
                .flatMap(inserted -> {
                    assertEquals(1, inserted.size(), "the statement stored the message");
                    return c.query("""
                            SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, seq_scan, coalesce(idx_scan, 0)
                            FROM pg_stat_xact_user_tables
                            WHERE n_tup_ins + n_tup_upd + n_tup_del + seq_scan + coalesce(idx_scan, 0) > 0""")
                            .execute();
                })
                .invoke(rows -> rows.forEach(r -> touched.put(r.getString(0), "inserted " + r.getLong(1)
                        + ", updated " + r.getLong(2) + ", deleted " + r.getLong(3) + ", scans "
                        + (r.getLong(4) + r.getLong(5)))))
                .call(rows -> tx.rollback())).eventually(c::close)).await().indefinitely();
        return touched;
    }

    /**
     * A message with files runs the same statement plus the file ids (the attachment feature links the files
     * in its own table, in the same transaction, before it): still only these three tables.
     */
    @Test
    void theStatementOfAMessageWithFilesTouchesTheSameThreeTables() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        UUID tenant = UUID.fromString("00000000-0000-7000-8000-000000000001");
        Tuple args = Tuple.tuple(List.of(UUID.fromString(conversation), tenant, new UUID(0, 0),
                new UUID[]{UUID.fromString(World.UNIT_X)}, UUID.randomUUID(), "staff", UUID.randomUUID(),
                "statement-files", OffsetDateTime.now(ZoneOffset.UTC), Buffer.buffer(new byte[]{1, 2, 3}), 1, "web",
                false, new UUID[0], new UUID[]{UUID.randomUUID()}));
        Map<String, String> touched = touched(MessageStore.POST_WITH_FILES, args);
        assertEquals(List.of("conversation", "conversation_event", "message"), List.copyOf(touched.keySet()),
                "tables the statement touched: " + touched);
        assertTrue(MessageStore.POST_WITH_FILES.length() < 2048, "fits the prepared-statement cache");
    }

    @Test
    void theMessageStatementFitsThePreparedStatementCache() {
        // the reactive client caches prepared statements up to this many characters
        // (quarkus.datasource.reactive.prepared-statement-cache-sql-limit); a longer one is planned on every call
        assertTrue(MessageStore.POST.length() < 2048, "the message statement is " + MessageStore.POST.length()
                + " characters");
    }
}

package dk.samtale.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;

/**
 * A dump is the database as of one moment: restored into a fresh database it has exactly the rows of the
 * dump's snapshot (not the seed rows of the migrations, not what was written after the dump), the same bytes,
 * the sequences where they were, and the database is gone again afterwards.
 */
@QuarkusTest
class DatabaseDumpTest {

    @Inject
    AgroalDataSource db;
    @Inject
    Vertx vertx;

    @Test
    void aRestoredCopyHoldsExactlyWhatTheDumpsSnapshotHeld() throws Exception {
        String citizen = Tokens.citizen("testby", People.adultCpr(), "Navn");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        World.send(citizen, conversation, "before the dump");
        byte[] bodyBefore = bodiesBySeq(db.getConnection(), conversation).get(0);

        DatabaseDump dump = DatabaseDump.take(db);
        World.send(citizen, conversation, "after the dump");
        assertEquals(2, bodiesBySeq(db.getConnection(), conversation).size());
        Long eventsAtDump = dump.sequenceValues().get("public.conversation_event_id_seq");
        assertNotNull(eventsAtDump, "the send before the dump took an event id");
        assertTrue(lastValue(db.getConnection(), "conversation_event_id_seq") > eventsAtDump,
                "the send after the dump took another one");

        String name = "restored_" + UUID.randomUUID().toString().replace("-", "");
        try (DatabaseDump.Restored restored = dump.restoreInto(name)) {
            assertTrue(dump.rowCounts().get("public.message") >= 1);
            for (Map.Entry<String, Long> table : dump.rowCounts().entrySet()) {
                assertEquals(table.getValue(), count(restored.connect(), table.getKey()), table.getKey());
            }
            List<byte[]> restoredBodies = bodiesBySeq(restored.connect(), conversation);
            assertEquals(1, restoredBodies.size(), "only the message sent before the dump");
            assertArrayEquals(bodyBefore, restoredBodies.get(0));
            assertEquals(eventsAtDump, lastValue(restored.connect(), "conversation_event_id_seq"));

            // every row, byte for byte: a dump of the restored copy is the dump (a freshly loaded table is
            // read back in the order it was written, so even the order matches)
            DatabaseDump again = DatabaseDump.take(restored.jdbcUrl(), restored.user(), restored.password());
            assertEquals(dump.rowCounts().keySet(), again.rowCounts().keySet());
            for (String table : dump.rowCounts().keySet()) {
                assertArrayEquals(dump.data(table), again.data(table), table);
            }
            assertEquals(dump.sequenceValues(), again.sequenceValues());

            // the reactive URL reaches the copy too, for a test that runs the service's own queries on it
            Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(restored.reactiveUrl())
                    .setUser(restored.user()).setPassword(restored.password())).using(vertx).build();
            try {
                long messages = pool.query("SELECT count(*) FROM message WHERE conversation_id = '" + conversation
                        + "'").execute().await().indefinitely().iterator().next().getLong(0);
                assertEquals(1, messages);
            } finally {
                pool.closeAndAwait();
            }
        }
        assertFalse(databaseExists(name), "dropped on close");
    }

    private static List<byte[]> bodiesBySeq(Connection connection, String conversation) throws SQLException {
        try (connection;
                PreparedStatement s = connection.prepareStatement(
                        "SELECT body_enc FROM message WHERE conversation_id = ?::uuid ORDER BY seq")) {
            s.setString(1, conversation);
            List<byte[]> bodies = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    bodies.add(r.getBytes(1));
                }
            }
            return bodies;
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (connection; ResultSet r = connection.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long lastValue(Connection connection, String sequence) throws SQLException {
        try (connection;
                ResultSet r = connection.createStatement().executeQuery("SELECT last_value FROM " + sequence)) {
            r.next();
            return r.getLong(1);
        }
    }

    private boolean databaseExists(String name) throws SQLException {
        try (Connection connection = db.getConnection();
                PreparedStatement s = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }
}

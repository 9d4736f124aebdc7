package dk.samtale.conversation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/**
 * Every send runs the message statement as a prepared statement that the reactive client prepared once
 * per connection (cache-prepared-statements) and PostgreSQL planned a few times per connection, not per
 * call: pg_stat_statements (preloaded by the embedded PostgreSQL, planning tracked) counts both. The
 * figures are printed, as the benchmarks print them.
 */
@QuarkusTest
class PreparedStatementsTest {

    private static final int SENDS = 80;

    @Inject
    Pool pool;

    @Test
    void theMessageStatementIsPlannedFarLessOftenThanItIsCalled() {
        pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await().indefinitely();
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        Row before = stats();
        for (int i = 0; i < SENDS; i++) {
            // alternating senders, each well inside the per-caller write limit
            Api.as(i % 2 == 0 ? World.citizenA() : World.staffX())
                    .body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", "plan " + i))
                    .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201);
        }
        Row after = stats();
        long calls = after.getLong(0) - before.getLong(0);
        long plans = after.getLong(1) - before.getLong(1);
        System.out.printf("MESSAGE STATEMENT: %d calls, %d plans (pg_stat_statements)%n", calls, plans);
        assertTrue(calls >= SENDS, "calls " + calls);
        assertTrue(plans * 4 < calls, "planned " + plans + " times for " + calls + " calls");
    }

    private Row stats() {
        return pool.query("""
                SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(plans), 0)::bigint FROM pg_stat_statements
                WHERE query LIKE '%INSERT INTO conversation_event%' AND query LIKE '%INSERT INTO message%'""")
                .execute().await().indefinitely().iterator().next();
    }
}

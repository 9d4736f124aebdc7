package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * The insight report (GDPR Art. 15) is complete by construction: every table that holds citizen data — a
 * {@code citizen_id} column, a foreign key to {@code citizen}, or {@code citizen} itself — must be named by
 * some feature's {@link InsightContributor}, and a contributor may name only tables its own feature owns
 * (the owners of {@link TableOwnershipTest}). The next feature that adds such a table fails here until it
 * adds a section for it.
 */
@QuarkusTest
class InsightCoverageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Tables that hold citizen data by their shape, found in the live schema (after every migration). */
    static final String CITIZEN_TABLES = """
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_name = 'citizen_id'
            UNION
            SELECT tc.table_name FROM information_schema.table_constraints tc
            JOIN information_schema.constraint_column_usage cu
              ON cu.constraint_name = tc.constraint_name AND cu.constraint_schema = tc.constraint_schema
            WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()
              AND cu.table_name = 'citizen'
            UNION SELECT 'citizen'""";

    @Inject
    Pool pool;

    @Inject
    @Any
    Instance<InsightContributor> contributors;

    @Test
    void everyTableHoldingCitizenDataIsCoveredByASection() {
        Set<String> missing = uncovered(pool);
        assertEquals(Set.of(), missing, "tables holding citizen data that no InsightContributor names in tables():"
                + " add a section in the owning feature (see platform.InsightContributor)");
    }

    @Test
    void aNewTableWithACitizenIdFailsTheCoverageUntilASectionNamesIt() {
        // the check above must be able to fail: a table a feature might add tomorrow, in a transaction rolled back
        Set<String> missing = pool.withTransaction(c -> c.query(
                "CREATE TABLE insight_probe (id uuid PRIMARY KEY, citizen_id uuid NOT NULL)").execute()
                .flatMap(x -> c.query("CREATE TABLE insight_probe_fk (id uuid REFERENCES citizen)").execute())
                .flatMap(x -> uncovered(c, covered()))
                .flatMap(m -> Uni.createFrom().<Set<String>>failure(new Rollback(m))))
                .onFailure(Rollback.class).recoverWithItem(f -> ((Rollback) f).missing)
                .await().atMost(WAIT);
        assertEquals(Set.of("insight_probe", "insight_probe_fk"), missing);
    }

    @Test
    void aSectionNamesOnlyExistingTablesOfItsOwnFeature() throws Exception {
        Map<String, String> owners = TableOwnershipTest.owners();
        Set<String> existing = new HashSet<>();
        pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
                .execute().await().atMost(WAIT).forEach(r -> existing.add(r.getString(0)));
        Map<String, String> wrong = new TreeMap<>();
        Set<String> names = new HashSet<>();
        for (var handle : contributors.handles()) {
            Class<?> type = handle.getBean().getBeanClass();
            String feature = type.getPackageName().substring("dk.samtale.".length()).split("\\.")[0];
            InsightContributor c = handle.get();
            assertTrue(names.add(c.name()), "two sections named " + c.name());
            assertTrue(c.name().matches("[a-z]+(-[a-z]+)*"), "section name " + c.name());
            for (String table : c.tables()) {
                if (!existing.contains(table)) {
                    wrong.put(type.getSimpleName() + " " + table, "no such table");
                } else if (!feature.equals(owners.get(table))) {
                    wrong.put(type.getSimpleName() + " " + table, "owned by " + owners.get(table) + ", not " + feature);
                }
            }
        }
        assertEquals(Map.of(), wrong, "a section reads only its own feature's tables");
        assertTrue(names.size() >= 10, "sections found: " + names);
    }

    @Test
    void everySectionAnswersForACitizenWithAConversationOnlyWithTheirData() {
        String cpr = dk.samtale.testing.People.adultCpr();
        String citizen = Tokens.citizen("testby", cpr, "Sektion Sørensen");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        World.send(citizen, conversation, "Hej fra sektionstesten");
        Row row = pool.preparedQuery("SELECT tenant_id, citizen_id FROM conversation WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(conversation))).await().atMost(WAIT).iterator().next();
        var subject = new InsightContributor.Subject(row.getUUID("tenant_id"), row.getUUID("citizen_id"),
                Set.of(UUID.fromString(conversation)), InsightContributor.Audience.citizen);
        for (InsightContributor c : contributors) {
            InsightContributor.Section section = c.about(subject).await().atMost(WAIT);
            assertEquals(c.name(), section.name());
            assertTrue(section.title() != null && !section.title().isBlank(), c.name());
        }
        // the same for a citizen with nothing (no conversations at all): empty sections, no failure
        var nobody = new InsightContributor.Subject(row.getUUID("tenant_id"), UUID.randomUUID(), Set.of(),
                InsightContributor.Audience.dpo);
        for (InsightContributor c : contributors) {
            assertEquals(List.of(), c.about(nobody).await().atMost(WAIT).items(), c.name());
        }
    }

    private Set<String> uncovered(SqlClient client) {
        return uncovered(client, covered()).await().atMost(WAIT);
    }

    private Set<String> covered() {
        Set<String> covered = new HashSet<>();
        contributors.forEach(c -> covered.addAll(c.tables()));
        return covered;
    }

    private static Uni<Set<String>> uncovered(SqlClient client, Set<String> covered) {
        return client.query(CITIZEN_TABLES).execute().map(rows -> {
            Set<String> missing = new TreeSet<>();
            rows.forEach(r -> missing.add(r.getString(0)));
            missing.removeAll(covered);
            return missing;
        });
    }

    private static final class Rollback extends RuntimeException {
        final Set<String> missing;

        Rollback(Set<String> missing) {
            super(null, null, false, false);
            this.missing = missing;
        }
    }
}

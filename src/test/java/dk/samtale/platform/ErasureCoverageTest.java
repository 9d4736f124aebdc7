package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Deleting a conversation reaches every table that refers to it: each table with a {@code conversation_id} or
 * {@code message_id} column, or a foreign key to {@code conversation} or {@code message}, is named by some
 * feature's {@link ConversationErasure} (its owner's), or is on {@link #KEPT} with the reason it stays. The
 * next feature that adds such a table fails here until it deletes its rows too.
 */
@QuarkusTest
class ErasureCoverageTest {

    /** Tables that keep referring to a deleted conversation on purpose, and why. */
    static final Map<String, String> KEPT = Map.of(
            "legal_hold", "a hold is the record of why deletion was stopped (who, when, why): ids and a reference, "
                    + "and a conversation under an active hold is never deleted",
            "journal_delivery", "push delivery bookkeeping of a journal entry (entry id, state): no content",
            "test_probe_taken", "a test-only event-log probe (platform.EventLogTest)",
            "access_log", "the record of who accessed the conversation (ids only, no content): evidence the "
                    + "municipality must keep for its own period (records prunes it), and hash-chained");

    static final String REFERRING = """
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_name IN ('conversation_id', 'message_id')
            UNION
            SELECT tc.table_name FROM information_schema.table_constraints tc
            JOIN information_schema.constraint_column_usage cu
              ON cu.constraint_name = tc.constraint_name AND cu.constraint_schema = tc.constraint_schema
            WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()
              AND cu.table_name IN ('conversation', 'message')""";

    @Inject
    AgroalDataSource db;

    @Inject
    @Any
    Instance<ConversationErasure> erasures;

    @Test
    void everyTableReferringToAConversationIsErasedByItsFeatureOrKeptForAStatedReason() throws Exception {
        Set<String> referring = new TreeSet<>();
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(REFERRING);
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                referring.add(rs.getString(1));
            }
        }
        assertTrue(referring.containsAll(Set.of("message", "attachment", "sms_notice", "conversation_note")),
                "found " + referring);
        Set<String> covered = new HashSet<>(KEPT.keySet());
        erasures.forEach(e -> covered.addAll(e.tables()));
        referring.removeAll(covered);
        assertEquals(Set.of(), referring, "tables referring to a conversation or message that no ConversationErasure"
                + " deletes: implement platform.ConversationErasure in the owning feature");
    }

    @Test
    void anErasureNamesOnlyTablesOfItsOwnFeature() throws Exception {
        Map<String, String> owners = TableOwnershipTest.owners();
        Map<String, String> wrong = new TreeMap<>();
        for (var handle : erasures.handles()) {
            Class<?> type = handle.getBean().getBeanClass();
            String feature = type.getPackageName().substring("dk.samtale.".length()).split("\\.")[0];
            for (String table : handle.get().tables()) {
                if (!feature.equals(owners.get(table))) {
                    wrong.put(type.getSimpleName() + " " + table, "owned by " + owners.get(table));
                }
            }
        }
        assertEquals(Map.of(), wrong);
    }
}

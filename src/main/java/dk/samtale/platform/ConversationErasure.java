package dk.samtale.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * A feature's part in deleting conversations (the retention policy, a citizen's erasure request): every
 * feature that holds data about a conversation implements it and deletes its own rows — no feature deletes
 * another's. The retention feature calls every implementation, lowest {@link #order()} first, all in one
 * transaction it gives them: a conversation is deleted by all of them or by none.
 *
 * <p>
 * Here in the shared kernel, beside {@link EventConsumer}, because the message path's own feature
 * ({@code conversation}) implements it too and may depend on nothing but the layers below the features.
 */
public interface ConversationErasure {

    /** A short name for reports and metrics ({@code journal}, {@code attachment} …). */
    String name();

    /**
     * The tables this implementation deletes or strips rows of, all owned by its feature: a test
     * ({@code ErasureCoverageTest}) fails when a table that refers to a conversation or a message is named by
     * no implementation and is not on its short list of records kept on purpose.
     */
    java.util.Set<String> tables();

    /** Lower first; the feature owning the rows others refer to ({@code conversation}) goes last. */
    default int order() {
        return 100;
    }

    /**
     * Of these conversations, those this feature's data must not be deleted from yet, and why, read on
     * {@code c} (the journal: not every event journaled, or an entry not yet acknowledged by the case
     * system). Any feature saying "not yet" keeps the conversation from being deleted at all.
     */
    default Set<UUID> notYet(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        return Set.of();
    }

    /**
     * Deletes (or, for a record that must stay, strips of its content) this feature's data about the
     * conversations, on {@code c}, inside the caller's transaction. Returns the number of rows deleted or
     * stripped.
     */
    int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException;

    /**
     * Runs each statement on {@code c} with the tenant as its first parameter and the conversation ids (a
     * {@code uuid[]}) as its second; returns how many rows they changed. For erasures that are a few DELETEs.
     */
    static int delete(Connection c, UUID tenantId, Collection<UUID> conversationIds, String... statements)
            throws SQLException {
        java.sql.Array ids = c.createArrayOf("uuid", conversationIds.toArray());
        int n = 0;
        for (String sql : statements) {
            try (java.sql.PreparedStatement st = c.prepareStatement(sql)) {
                st.setObject(1, tenantId);
                st.setArray(2, ids);
                n += st.executeUpdate();
            }
        }
        return n;
    }
}

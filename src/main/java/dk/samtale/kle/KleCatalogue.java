package dk.samtale.kle;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.KleCheck;
import dk.samtale.platform.ProblemException;

/**
 * A municipality's KLE catalogue (KL's "Kommunernes Landsforening Emnesystematik"): the subject plan
 * ({@code KLE-Emneplan}: main groups, groups, subjects) and the action facets ({@code KLE-Handlingsfacetter}),
 * uploaded by the tenant's admin as the XML files KL publishes. With a part present, case references
 * are checked against it; without, the pattern check stays. Retired subjects ({@code UdgaaetDato} on or
 * before today) are kept for titles but refused for new references.
 */
@ApplicationScoped
public class KleCatalogue implements KleCheck {

    public record Part(String part, String published, int entries) {
    }

    public record Entry(String number, String title, String kind, boolean retired) {
    }

    private final AgroalDataSource db;
    private final Pool pool;
    private final Clock clock;

    KleCatalogue(AgroalDataSource db, Pool pool, Clock clock) {
        this.db = db;
        this.pool = pool;
        this.clock = clock;
    }

    /** Replaces the tenant's part of the catalogue (the XML's root says which). Blocking. */
    public Part upload(UUID tenantId, InputStream xml) {
        KleXml.Parsed parsed;
        try {
            parsed = KleXml.parse(xml, LocalDate.now(clock));
        } catch (IOException | IllegalArgumentException e) {
            throw ProblemException.invalid("body", e.getMessage());
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                Set<String> kinds = parsed.part().equals(KleXml.EMNEPLAN)
                        ? Set.of("main", "group", "subject")
                        : Set.of("facet");
                try (PreparedStatement del = c
                        .prepareStatement("DELETE FROM kle_entry WHERE tenant_id = ? AND kind = ANY(?)")) {
                    del.setObject(1, tenantId);
                    del.setArray(2, c.createArrayOf("text", kinds.toArray()));
                    del.executeUpdate();
                }
                try (PreparedStatement ins = c.prepareStatement("""
                        INSERT INTO kle_entry (tenant_id, kind, number, title, retired) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (tenant_id, kind, number) DO NOTHING""")) {
                    for (Entry e : parsed.entries()) {
                        ins.setObject(1, tenantId);
                        ins.setString(2, e.kind());
                        ins.setString(3, e.number());
                        ins.setString(4, e.title());
                        ins.setBoolean(5, e.retired());
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
                try (PreparedStatement st = c.prepareStatement(
                        """
                                INSERT INTO kle_catalogue (tenant_id, part, published, entries, uploaded_at) VALUES (?, ?, ?, ?, now())
                                ON CONFLICT (tenant_id, part) DO UPDATE SET published = EXCLUDED.published,
                                    entries = EXCLUDED.entries, uploaded_at = now()""")) {
                    st.setObject(1, tenantId);
                    st.setString(2, parsed.part());
                    st.setString(3, parsed.published());
                    st.setInt(4, parsed.entries().size());
                    st.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Part(parsed.part(), parsed.published(), parsed.entries().size());
    }

    /** Which parts the tenant has uploaded. */
    public Uni<List<Part>> parts(UUID tenantId) {
        return pool
                .preparedQuery("SELECT part, published, entries FROM kle_catalogue WHERE tenant_id = $1 ORDER BY part")
                .execute(Tuple.of(tenantId)).map(rows -> {
                    List<Part> list = new ArrayList<>();
                    rows.forEach(r -> list.add(new Part(r.getString(0), r.getString(1), r.getInteger(2))));
                    return list;
                });
    }

    /**
     * Numbers and titles starting with {@code prefix} (subjects and groups, or facets), for the inbox's
     * case reference field; at most {@code limit}.
     */
    public Uni<List<Entry>> titles(UUID tenantId, String prefix, boolean facets, int limit) {
        String p = prefix == null ? "" : prefix.strip();
        return pool.preparedQuery("""
                SELECT number, title, kind, retired FROM kle_entry
                WHERE tenant_id = $1 AND number LIKE $2 || '%' AND (kind = 'facet') = $3
                ORDER BY number LIMIT $4""")
                .execute(Tuple.of(tenantId, p.replace("%", "").replace("_", "\\_"), facets, limit))
                .map(rows -> {
                    List<Entry> list = new ArrayList<>();
                    rows.forEach(r -> list.add(entry(r)));
                    return list;
                });
    }

    private static Entry entry(Row r) {
        return new Entry(r.getString(0), r.getString(1), r.getString(2), r.getBoolean(3));
    }

    @Override
    public Uni<Void> check(UUID tenantId, String kleClass, String actionFacet) {
        if (kleClass == null && actionFacet == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                SELECT EXISTS (SELECT 1 FROM kle_catalogue WHERE tenant_id = $1 AND part = 'emneplan'),
                       EXISTS (SELECT 1 FROM kle_entry WHERE tenant_id = $1 AND kind <> 'facet' AND number = $2
                               AND NOT retired),
                       EXISTS (SELECT 1 FROM kle_catalogue WHERE tenant_id = $1 AND part = 'handlingsfacetter'),
                       EXISTS (SELECT 1 FROM kle_entry WHERE tenant_id = $1 AND kind = 'facet' AND number = $3)""")
                .execute(Tuple.of(tenantId, kleClass, actionFacet)).map(rows -> {
                    Row r = rows.iterator().next();
                    if (kleClass != null && r.getBoolean(0) && !r.getBoolean(1)) {
                        throw ProblemException.invalid("kleClass", "not in the municipality's KLE catalogue");
                    }
                    if (actionFacet != null && r.getBoolean(2) && !r.getBoolean(3)) {
                        throw ProblemException.invalid("actionFacet", "not in the municipality's KLE action facets");
                    }
                    return null;
                });
    }
}

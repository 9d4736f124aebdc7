package dk.samtale.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;

import dk.samtale.conversation.ClosedConversations;
import dk.samtale.conversation.ClosedConversations.Candidate;
import dk.samtale.platform.ConversationErasure;
import dk.samtale.platform.ExpiringRecords;

/**
 * Applies a tenant's retention policy — for real or as a dry run with exactly the same decisions — and
 * deletes a citizen's conversations on an erasure request. Blocking JDBC: callers run it on worker threads
 * (the job's own thread, REST worker threads).
 *
 * <p>
 * <b>Conversations</b>, in batches, each one transaction: read the next closed conversations past the
 * shortest period (locked, {@code SKIP LOCKED}: a reopen in progress or another replica's batch is passed
 * over), keep those past their own period (KLE override or default), drop those under a legal hold (on the
 * conversation or its citizen), drop those any feature says are not ready (the journal: not every event
 * journaled, or an entry not acknowledged by the case system), and have every feature delete its rows of the
 * rest ({@link ConversationErasure}, the conversation itself last). All or nothing per batch. A pass over a
 * tenant holds its advisory lock, so two replicas never work one tenant at once.
 *
 * <p>
 * <b>Aged records</b> ({@link ExpiringRecords}): each kind deletes its own rows past the tenant's period, in
 * bounded statements, each its own transaction.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);
    /** Advisory lock space of retention passes ("RETN"); the second key hashes the tenant. */
    private static final int LOCK_SPACE = 0x5245544e;
    private static final UUID ZERO = new UUID(0, 0);

    /** What a pass found and did (or, in a dry run, would do). Ids only, never content. */
    public record Report(Instant at, boolean dryRun, boolean busy, Conversations conversations,
            Map<String, Long> records) {
    }

    /**
     * @param due closed conversations past their period
     * @param deleted of those, deleted (0 in a dry run)
     * @param held of those, kept by a legal hold
     * @param waitingForJournal of those, kept because the case system does not have all of them yet
     * @param listed the first due ones, with what happens to each (in a dry run: what would)
     */
    public record Conversations(long due, long deleted, long held, long waitingForJournal, List<Listed> listed) {
    }

    /** @param outcome {@code deleted} (dry run: {@code would-delete}), {@code held} or {@code waiting-for-journal} */
    public record Listed(UUID conversationId, String kleClass, Instant closedAt, int retentionDays, String outcome) {
    }

    /** A citizen's erasure request: how many conversations were deleted, held, waiting. */
    public record Erased(UUID citizenId, int conversations, int deleted, int held, int waitingForJournal) {
    }

    private final AgroalDataSource db;
    private final Policies policies;
    private final LegalHolds holds;
    private final ClosedConversations closed;
    private final List<ConversationErasure> erasures;
    private final List<ExpiringRecords> records;
    private final RetentionConfig config;
    private final RetentionMetrics metrics;
    private final Clock clock;

    Retention(AgroalDataSource db, Policies policies, LegalHolds holds, ClosedConversations closed,
            Instance<ConversationErasure> erasures, Instance<ExpiringRecords> records, RetentionConfig config,
            RetentionMetrics metrics, Clock clock) {
        this.db = db;
        this.policies = policies;
        this.holds = holds;
        this.closed = closed;
        this.erasures = erasures.stream().sorted(Comparator.comparingInt(ConversationErasure::order)
                .thenComparing(ConversationErasure::name)).toList();
        this.records = records.stream().sorted(Comparator.comparing(ExpiringRecords::kind)).toList();
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The kinds of aged records features keep, with their default periods. */
    Map<String, Integer> recordKinds() {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        records.forEach(r -> kinds.put(r.kind(), r.defaultDays()));
        return kinds;
    }

    /** The tenant's policy with every record kind's effective days filled in. */
    Policy effective(Policy p) {
        Map<String, Integer> days = new LinkedHashMap<>(recordKinds());
        days.putAll(p.recordDays());
        return new Policy(p.conversationDays(), p.kleDays(), days, p.enabled(), p.updatedAt(), p.updatedBy(),
                p.dryRunAt());
    }

    /** Applies the policy (dryRun false) or reports what it would do (dryRun true). */
    public Report apply(UUID tenantId, boolean dryRun) throws SQLException {
        Instant now = clock.instant();
        Policy policy;
        try (Connection c = db.getConnection()) {
            policy = effective(policies.get(c, tenantId));
        }
        Instant earliest = now.minus(Duration.ofDays(policy.minimumConversationDays()));
        long due = 0, deleted = 0, held = 0, waiting = 0;
        List<Listed> listed = new ArrayList<>();
        Instant afterAt = Instant.EPOCH;
        UUID afterId = ZERO;
        while (dryRun || deleted < config.maxPerPass()) {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (!dryRun && !locked(c, tenantId)) {
                        c.rollback();
                        return new Report(now, false, true, new Conversations(due, deleted, held, waiting, listed),
                                Map.of());
                    }
                    List<Candidate> page = closed.closedBefore(c, tenantId, earliest, afterAt, afterId,
                            config.batchSize(), !dryRun);
                    if (page.isEmpty()) {
                        c.commit();
                        break;
                    }
                    Candidate last = page.get(page.size() - 1);
                    afterAt = last.closedAt();
                    afterId = last.id();
                    List<Candidate> past = page.stream()
                            .filter(k -> !k.closedAt()
                                    .isAfter(now.minus(Duration.ofDays(policy.daysFor(k.kleClass())))))
                            .toList();
                    Decision d = decide(c, tenantId, past);
                    if (!dryRun && !d.ready().isEmpty()) {
                        erase(c, tenantId, d.ready());
                    }
                    c.commit();
                    due += past.size();
                    held += d.held().size();
                    waiting += d.waiting().size();
                    deleted += dryRun ? 0 : d.ready().size();
                    for (Candidate k : past) {
                        if (listed.size() < config.dryRunListed()) {
                            listed.add(new Listed(k.id(), k.kleClass(), k.closedAt(), policy.daysFor(k.kleClass()),
                                    d.held().contains(k.id())
                                            ? "held"
                                            : d.waiting().contains(k.id())
                                                    ? "waiting-for-journal"
                                                    : dryRun ? "would-delete" : "deleted"));
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
        Map<String, Long> recordCounts = new LinkedHashMap<>();
        for (ExpiringRecords r : records) {
            Instant cutoff = now.minus(Duration.ofDays(policy.recordDays().get(r.kind())));
            recordCounts.put(r.kind(), dryRun ? count(tenantId, r, cutoff) : delete(tenantId, r, cutoff));
        }
        if (dryRun) {
            try (Connection c = db.getConnection()) {
                policies.dryRunSeen(c, tenantId, now);
            }
            metrics.due(tenantId, due);
        } else {
            metrics.ran(tenantId, due - deleted, deleted, held, waiting, recordCounts);
            if (deleted > 0 || recordCounts.values().stream().anyMatch(n -> n > 0)) {
                LOG.infof("Retention for tenant %s: %d conversations deleted, %d held, %d waiting for the journal;"
                        + " records deleted %s", tenantId, deleted, held, waiting, recordCounts);
            }
        }
        return new Report(now, dryRun, false, new Conversations(due, deleted, held, waiting, List.copyOf(listed)),
                recordCounts);
    }

    /** Deletes every conversation of the citizen that no hold keeps and the case system has in full. */
    public Erased eraseCitizen(UUID tenantId, UUID citizenId) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Candidate> all = closed.ofCitizen(c, tenantId, citizenId, true);
                Decision d = decide(c, tenantId, all);
                if (!d.ready().isEmpty()) {
                    erase(c, tenantId, d.ready());
                }
                c.commit();
                metrics.erased(d.ready().size());
                return new Erased(citizenId, all.size(), d.ready().size(), d.held().size(), d.waiting().size());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private record Decision(Set<UUID> held, Set<UUID> waiting, List<UUID> ready) {
    }

    private Decision decide(Connection c, UUID tenantId, List<Candidate> candidates) throws SQLException {
        Set<UUID> held = holds.held(c, tenantId, candidates);
        List<UUID> free = candidates.stream().map(Candidate::id).filter(id -> !held.contains(id)).toList();
        Set<UUID> waiting = new TreeSet<>();
        if (!free.isEmpty()) {
            for (ConversationErasure e : erasures) {
                waiting.addAll(e.notYet(c, tenantId, free));
            }
        }
        Set<UUID> notReady = new HashSet<>(waiting);
        return new Decision(held, waiting, free.stream().filter(id -> !notReady.contains(id)).toList());
    }

    private void erase(Connection c, UUID tenantId, List<UUID> ready) throws SQLException {
        for (ConversationErasure e : erasures) {
            e.erase(c, tenantId, ready);
        }
    }

    private long count(UUID tenantId, ExpiringRecords r, Instant cutoff) throws SQLException {
        try (Connection c = db.getConnection()) {
            return r.due(c, tenantId, cutoff);
        }
    }

    private long delete(UUID tenantId, ExpiringRecords r, Instant cutoff) throws SQLException {
        int limit = config.batchSize() * 10;
        long total = 0;
        while (true) {
            int n;
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                try {
                    n = r.delete(c, tenantId, cutoff, limit);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            total += n;
            if (n < limit) {
                return total;
            }
        }
    }

    private static boolean locked(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
            st.setInt(1, LOCK_SPACE);
            st.setString(2, tenantId.toString());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}

package dk.samtale.guardian;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.conversation.ConversationService;
import dk.samtale.conversation.Guardians;
import dk.samtale.conversation.Parties;
import dk.samtale.identity.Caller;
import dk.samtale.identity.Citizens;
import dk.samtale.identity.Cpr;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Guardianships: a caseworker registers a child's guardians (found by CPR, citizens of the same
 * municipality) with the basis, lists them and ends them. Who may: staff of the unit that registered one,
 * or of a unit that has a conversation with the child (need to know, as for a citizen's phone number);
 * anyone else gets 404, as for a child they may not know exists. Every registration and end is audited
 * (ids only). A guardianship also ends by itself on the child's 18th birthday, evaluated at each read with
 * the injected clock from the child's sealed CPR: nothing has to run on that day, and no date of birth is
 * stored.
 */
@ApplicationScoped
public class GuardianRegistry implements Guardians {

    static final String BASIS = "parental-authority";

    private static final String COLUMNS = """
            id, child_id, guardian_id, basis, unit_id, registered_by, registered_at, ended_at, ended_by""";

    private final Pool pool;
    private final Citizens citizens;
    private final ConversationService conversations;
    private final AuditTrail audit;
    private final Clock clock;
    private final Parties parties;

    GuardianRegistry(Pool pool, Citizens citizens, ConversationService conversations, AuditTrail audit, Clock clock,
            Parties parties) {
        this.parties = parties;
        this.pool = pool;
        this.citizens = citizens;
        this.conversations = conversations;
        this.audit = audit;
        this.clock = clock;
    }

    /** Registers {@code cpr}'s holder as a guardian of the child, on behalf of one of the caller's units. */
    Uni<Guardianship> register(Caller staff, UUID childId, String cpr, UUID unitId, String basis) {
        if (cpr == null || !cpr.matches("\\d{10}")) {
            throw ProblemException.invalid("cpr", "must be 10 digits");
        }
        if (unitId == null) {
            throw ProblemException.invalid("unitId", "is required");
        }
        if (basis != null && !BASIS.equals(basis)) {
            throw ProblemException.invalid("basis", "must be " + BASIS);
        }
        if (!staff.unitIds().contains(unitId)) {
            throw ProblemException.notFound("unit");
        }
        return child(staff, childId).flatMap(child -> citizens.findOrRegister(staff.tenantId(), cpr, null)
                .flatMap(guardian -> {
                    if (guardian.id().equals(childId)) {
                        throw ProblemException.invalid("cpr", "is the child's own");
                    }
                    UUID id = Uuid7.next(clock);
                    return pool
                            .preparedQuery(
                                    """
                                            INSERT INTO guardianship (id, tenant_id, child_id, guardian_id, basis, unit_id, registered_by,
                                                                      registered_at)
                                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING"""
                                            + " " + COLUMNS)
                            .execute(Tuple.tuple(List.of(id, staff.tenantId(), childId, guardian.id(), BASIS, unitId,
                                    staff.id(), Times.utc(Times.now(clock)))))
                            .onFailure(GuardianRegistry::isDuplicate).transform(e -> new ProblemException(
                                    ErrorCode.GUARDIANSHIP_EXISTS, "This person is a registered guardian of the child"))
                            .map(rows -> {
                                Map<UUID, String> names = new java.util.HashMap<>();
                                names.put(guardian.id(), guardian.name()); // null until they sign in
                                return view(rows.iterator().next(), child.born(), names);
                            });
                }))
                .invoke(g -> parties.forgetWards(staff.tenantId(), g.guardian().id()))
                .call(g -> audit.record(new AuditEvent(staff.tenantId(), AuditActor.of(staff),
                        AuditAction.GUARDIANSHIP_REGISTERED, "guardianship", g.id(),
                        Map.of("childId", childId.toString(), "guardianId", g.guardian().id().toString(),
                                "basis", g.basis()))));
    }

    /** The child's guardianships, current and past, newest first. */
    Uni<List<Guardianship>> list(Caller staff, UUID childId) {
        return mayManage(staff, childId).flatMap(x -> pool
                .preparedQuery("SELECT " + COLUMNS + " FROM guardianship WHERE tenant_id = $1 AND child_id = $2"
                        + " ORDER BY registered_at DESC")
                .execute(Tuple.of(staff.tenantId(), childId)))
                .flatMap(rows -> withPeople(staff.tenantId(), childId, rows));
    }

    /**
     * Every guardianship the citizen is part of, as the child or as the guardian, current and past, newest
     * first (the insight report: no staff check, the caller decides who may see it).
     */
    Uni<List<Guardianship>> involving(UUID tenantId, UUID citizenId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM guardianship WHERE tenant_id = $1"
                + " AND (child_id = $2 OR guardian_id = $2) ORDER BY registered_at DESC")
                .execute(Tuple.of(tenantId, citizenId)).flatMap(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    Set<UUID> ids = new java.util.HashSet<>();
                    list.forEach(r -> {
                        ids.add(r.getUUID("child_id"));
                        ids.add(r.getUUID("guardian_id"));
                    });
                    return citizens.people(tenantId, ids).map(people -> list.stream().map(r -> {
                        Citizens.Person child = people.get(r.getUUID("child_id"));
                        Map<UUID, String> names = new java.util.HashMap<>();
                        people.values().forEach(p -> names.put(p.id(), p.name()));
                        return view(r, child == null ? null : child.born(), names);
                    }).toList());
                });
    }

    /** Ends a guardianship (idempotent: ending an ended one answers it unchanged and audits nothing). */
    Uni<Guardianship> end(Caller staff, UUID childId, UUID guardianshipId) {
        return mayManage(staff, childId).flatMap(x -> pool.preparedQuery("""
                UPDATE guardianship SET ended_at = $4, ended_by = $5
                WHERE id = $1 AND tenant_id = $2 AND child_id = $3 AND ended_at IS NULL RETURNING id, guardian_id""")
                .execute(Tuple.of(guardianshipId, staff.tenantId(), childId, Times.utc(Times.now(clock)), staff.id())))
                // the guardian leaves the child's conversations at once (conversation's own rows, through its port)
                .call(rows -> rows.size() == 0
                        ? Uni.createFrom().voidItem()
                        : parties.guardianshipEnded(staff.tenantId(), childId,
                                rows.iterator().next().getUUID("guardian_id")))
                .call(rows -> rows.size() == 0
                        ? Uni.createFrom().voidItem()
                        : audit.record(new AuditEvent(staff.tenantId(), AuditActor.of(staff),
                                AuditAction.GUARDIANSHIP_ENDED, "guardianship", guardianshipId,
                                Map.of("childId", childId.toString()))))
                .flatMap(x -> list(staff, childId)).map(all -> all.stream()
                        .filter(g -> g.id().equals(guardianshipId)).findFirst()
                        .orElseThrow(() -> ProblemException.notFound("guardianship")));
    }

    @Override
    public Uni<Map<UUID, LocalDate>> wardsOf(UUID tenantId, UUID guardianId) {
        return pool.preparedQuery("SELECT child_id FROM guardianship WHERE tenant_id = $1 AND guardian_id = $2"
                + " AND ended_at IS NULL").execute(Tuple.of(tenantId, guardianId)).flatMap(rows -> {
                    List<UUID> children = new ArrayList<>();
                    rows.forEach(r -> children.add(r.getUUID("child_id")));
                    if (children.isEmpty()) {
                        return Uni.createFrom().item(Map.<UUID, LocalDate>of());
                    }
                    return citizens.people(tenantId, children).map(people -> {
                        Map<UUID, LocalDate> out = new java.util.HashMap<>();
                        people.values().forEach(p -> {
                            if (p.born() != null) {
                                out.put(p.id(), Cpr.adultOn(p.born()));
                            }
                        });
                        return Map.copyOf(out);
                    });
                });
    }

    @Override
    public Uni<Set<UUID>> guardiansOf(UUID tenantId, UUID childId) {
        return citizens.people(tenantId, List.of(childId)).flatMap(people -> {
            Citizens.Person child = people.get(childId);
            if (child == null || !minor(child.born())) {
                return Uni.createFrom().item(Set.<UUID>of());
            }
            return pool.preparedQuery("SELECT guardian_id FROM guardianship WHERE tenant_id = $1 AND child_id = $2"
                    + " AND ended_at IS NULL").execute(Tuple.of(tenantId, childId)).map(rows -> {
                        Set<UUID> out = new java.util.HashSet<>();
                        rows.forEach(r -> out.add(r.getUUID("guardian_id")));
                        return Set.copyOf(out);
                    });
        });
    }

    private boolean minor(LocalDate born) {
        return born != null && today().isBefore(Cpr.adultOn(born));
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(Cpr.DENMARK));
    }

    /** The child, a citizen of the caller's tenant under 18 today (404 otherwise; 409 when of age). */
    private Uni<Citizens.Person> child(Caller staff, UUID childId) {
        return citizens.people(staff.tenantId(), List.of(childId)).map(people -> {
            Citizens.Person child = people.get(childId);
            if (child == null) {
                throw ProblemException.notFound("citizen");
            }
            if (!minor(child.born())) {
                throw new ProblemException(ErrorCode.NOT_A_CHILD,
                        "Guardians can be registered only for a citizen under 18");
            }
            return child;
        });
    }

    /**
     * Staff of a unit that registered a guardianship of the child or has a conversation with the child;
     * 404 for anyone else (as for a citizen who does not exist).
     */
    private Uni<Void> mayManage(Caller staff, UUID childId) {
        if (staff.unitIds().isEmpty()) {
            throw ProblemException.notFound("citizen");
        }
        return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM guardianship WHERE tenant_id = $1 AND child_id = $2"
                + " AND unit_id = ANY($3))")
                .execute(Tuple.of(staff.tenantId(), childId, staff.unitIds().toArray(UUID[]::new)))
                .flatMap(rows -> rows.iterator().next().getBoolean(0)
                        ? Uni.createFrom().item(true)
                        : conversations.talksWith(staff, childId))
                .map(allowed -> {
                    if (!allowed) {
                        throw ProblemException.notFound("citizen");
                    }
                    return null;
                });
    }

    private Uni<List<Guardianship>> withPeople(UUID tenantId, UUID childId, RowSet<Row> rows) {
        List<Row> list = new ArrayList<>();
        rows.forEach(list::add);
        Set<UUID> ids = new java.util.HashSet<>();
        ids.add(childId);
        list.forEach(r -> ids.add(r.getUUID("guardian_id")));
        return citizens.people(tenantId, ids).map(people -> {
            Citizens.Person child = people.get(childId);
            Map<UUID, String> names = new java.util.HashMap<>();
            people.values().forEach(p -> names.put(p.id(), p.name()));
            return list.stream().map(r -> view(r, child == null ? null : child.born(), names)).toList();
        });
    }

    private Guardianship view(Row r, LocalDate childBorn, Map<UUID, String> names) {
        UUID guardian = r.getUUID("guardian_id");
        Instant endedAt = Times.instant(r.getOffsetDateTime("ended_at"));
        Guardianship.EndReason reason = endedAt == null ? null : Guardianship.EndReason.endedByStaff;
        if (childBorn != null && !minor(childBorn)) {
            Instant ofAge = Cpr.adultOn(childBorn).atStartOfDay(Cpr.DENMARK).toInstant();
            if (endedAt == null || ofAge.isBefore(endedAt)) {
                endedAt = ofAge;
                reason = Guardianship.EndReason.childOfAge;
            }
        }
        return new Guardianship(r.getUUID("id"), r.getUUID("child_id"),
                new Guardianship.Person(guardian, names.get(guardian)), r.getString("basis"), r.getUUID("unit_id"),
                r.getUUID("registered_by"), Times.instant(r.getOffsetDateTime("registered_at")),
                endedAt == null ? Guardianship.Status.active : Guardianship.Status.ended, endedAt,
                reason == Guardianship.EndReason.endedByStaff ? r.getUUID("ended_by") : null, reason);
    }

    private static boolean isDuplicate(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}

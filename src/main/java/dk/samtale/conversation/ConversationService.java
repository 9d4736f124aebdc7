package dk.samtale.conversation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.identity.Caller;
import dk.samtale.identity.Directory;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Opening, listing and managing conversations. Authorisation lives here, not only in annotations:
 * citizens see their own conversations, staff those of their units, nobody another tenant's; what a
 * caller may not see answers "not found".
 */
@ApplicationScoped
public class ConversationService {

    public static final int MAX_SUBJECT = 200;

    private final ConversationRepository conversations;
    private final ConversationQueries queries;
    private final Pool pool;
    private final SmsReach smsReach;
    private final Fanout fanout;
    private final Clock clock;
    private final Directory directory;
    private final MessageService messages;
    private final AuditTrail audit;

    private final KleCheck kle;
    private final ConversationKeys keys;
    private final ChildRules children;
    private final Parties parties;
    private final ConversationAccesses accesses;

    ConversationService(ConversationRepository conversations, ConversationQueries queries, Pool pool, Fanout fanout,
            Clock clock, SmsReach smsReach, Directory directory, MessageService messages, AuditTrail audit,
            KleCheck kle, ConversationKeys keys, ChildRules children, Parties parties, ConversationAccesses accesses) {
        this.children = children;
        this.parties = parties;
        this.accesses = accesses;
        this.kle = kle;
        this.keys = keys;
        this.conversations = conversations;
        this.queries = queries;
        this.pool = pool;
        this.smsReach = smsReach;
        this.fanout = fanout;
        this.clock = clock;
        this.directory = directory;
        this.messages = messages;
        this.audit = audit;
    }

    public Uni<List<ConversationView>> list(Caller caller, Conversation.Status status, ConversationQueries.View view,
            int limit) {
        return queries.list(caller, status, caller.isStaff() ? view : ConversationQueries.View.all, limit);
    }

    /** Like {@link #list}, in the given order and optionally narrowed to one citizen (staff: the citizen panel). */
    public Uni<List<ConversationView>> list(Caller caller, Conversation.Status status, ConversationQueries.View view,
            ConversationQueries.Sort sort, UUID citizenId, int limit) {
        Uni<List<ConversationView>> found = queries.list(caller, status,
                caller.isStaff() ? view : ConversationQueries.View.all, sort, caller.isStaff() ? citizenId : null,
                limit);
        // narrowed to one citizen, the list is a look at that citizen (the access log's "search result")
        return citizenId == null ? found : found.invoke(list -> accesses.shown(caller, list));
    }

    /** Staff: how many conversations each inbox view holds. */
    public Uni<ConversationCounts> counts(Caller caller) {
        return queries.counts(caller);
    }

    /** Like {@link #list}, narrowed to conversations whose citizen name or subject contains the words of q. */
    public Uni<List<ConversationView>> search(Caller caller, Conversation.Status status,
            ConversationQueries.View view, String q, int limit) {
        if (q.length() > MAX_SUBJECT) {
            throw ProblemException.invalid("q", "must be at most " + MAX_SUBJECT + " characters");
        }
        return queries.search(caller, status, caller.isStaff() ? view : ConversationQueries.View.all, q, limit)
                .invoke(list -> accesses.shown(caller, list));
    }

    /**
     * Whether one of this staff member's units has a conversation (open or closed) with the citizen: what
     * entitles staff to the citizen's contact details, e.g. the number SMS notices go to.
     */
    public Uni<Boolean> talksWith(Caller staff, UUID citizenId) {
        if (!staff.isStaff() || staff.unitIds().isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM conversation WHERE tenant_id = $1 AND citizen_id = $2"
                + " AND unit_id = ANY($3))")
                .execute(Tuple.of(staff.tenantId(), citizenId, staff.unitIds().toArray(new UUID[0])))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** A person opens the conversation (REST): like {@link #get}, and recorded in the access log for staff. */
    public Uni<ConversationView> open(Caller caller, UUID id) {
        return get(caller, id).invoke(v -> accesses.opened(caller, v));
    }

    public Uni<ConversationView> get(Caller caller, UUID id) {
        return queries.find(caller, id).map(v -> {
            if (v == null) {
                throw ProblemException.notFound("conversation");
            }
            return v;
        });
    }

    /** A citizen opens a conversation with a unit of their tenant; staff open one with a citizen. */
    public Uni<ConversationView> open(Caller caller, UUID unitId, UUID citizenId, String subject) {
        return open(caller, unitId, citizenId, subject, (String) null, null);
    }

    /**
     * As above, with who the conversation is with. Staff choose: {@code citizen} (the default), {@code child}
     * (the child's own: counselling, anonymous advice — never shown to guardians) or {@code guardians} (about
     * the child, with {@code guardianIds}, each a current guardian of the child, as the parties; the child
     * does not see it). A conversation a child opens is always the child's own.
     */
    public Uni<ConversationView> open(Caller caller, UUID unitId, UUID citizenId, String subject, String parties,
            List<UUID> guardianIds) {
        Parties.Kind kind;
        try {
            kind = parties == null ? Parties.Kind.citizen : Parties.Kind.valueOf(parties);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("parties", "must be citizen, child or guardians");
        }
        List<UUID> guardians = guardianIds == null
                ? List.of()
                : List.copyOf(new java.util.LinkedHashSet<>(guardianIds));
        if (kind == Parties.Kind.guardians && guardians.isEmpty()) {
            throw ProblemException.invalid("guardianIds", "names at least one guardian of the child");
        }
        if (kind != Parties.Kind.guardians && !guardians.isEmpty()) {
            throw ProblemException.invalid("guardianIds", "only a conversation with parties 'guardians' has guardians");
        }
        if (caller.isCitizen() && (parties != null || !guardians.isEmpty())) {
            throw ProblemException.invalid("parties", "is chosen by staff");
        }
        if (caller.isCitizen() && children.applies(caller)) {
            kind = Parties.Kind.child; // what a child opens is the child's own
        }
        if (kind == Parties.Kind.guardians && unitId != null && !caller.unitIds().contains(unitId)) {
            throw ProblemException.notFound("unit"); // before anything about the child's guardians is told
        }
        Parties.Kind chosen = kind;
        Uni<Void> check = chosen != Parties.Kind.guardians || caller.isCitizen() || citizenId == null
                ? Uni.createFrom().voidItem()
                : this.parties.guardiansOf(caller.tenantId(), citizenId).map(current -> {
                    if (!current.containsAll(guardians)) {
                        throw new ProblemException(dk.samtale.platform.ErrorCode.NOT_A_GUARDIAN,
                                "Every party must be a current guardian of the child");
                    }
                    return null;
                });
        return check.flatMap(x -> openWith(caller, unitId, citizenId, subject, chosen, guardians));
    }

    private Uni<ConversationView> openWith(Caller caller, UUID unitId, UUID citizenId, String subject,
            Parties.Kind parties, List<UUID> guardians) {
        String s = subject == null ? "" : subject.strip();
        if (s.isEmpty() || s.codePointCount(0, s.length()) > MAX_SUBJECT) { // characters, like the body's limit
            throw ProblemException.invalid("subject", "must be 1 to " + MAX_SUBJECT + " characters");
        }
        if (unitId == null) {
            throw ProblemException.invalid("unitId", "is required");
        }
        UUID citizen;
        if (caller.isCitizen()) {
            citizen = caller.id();
        } else {
            if (citizenId == null) {
                throw ProblemException.invalid("citizenId", "is required");
            }
            if (!caller.unitIds().contains(unitId)) {
                // staff may only open conversations in their own units
                throw ProblemException.notFound("unit");
            }
            citizen = citizenId;
        }
        return exists("SELECT 1 FROM unit WHERE id = $1 AND tenant_id = $2", unitId, caller.tenantId(), "unit")
                // a child opens a conversation only where children of their age may write
                .call(x -> children.check(caller, unitId, true))
                .flatMap(x -> exists("SELECT 1 FROM citizen WHERE id = $1 AND tenant_id = $2", citizen,
                        caller.tenantId(), "citizen"))
                // the conversation's own key is kept in the vault before anything is sealed under it
                .flatMap(x -> {
                    UUID id = Uuid7.next(clock);
                    return keys.create(caller.tenantId(), id)
                            .flatMap(k -> persist(caller, id, unitId, citizen, s, k, parties, guardians));
                })
                .flatMap(c -> changed(caller, c));
    }

    @WithTransaction
    Uni<Conversation> persist(Caller caller, UUID id, UUID unitId, UUID citizenId, String subject, TenantKeys k,
            Parties.Kind parties, List<UUID> guardians) {
        Conversation c = new Conversation();
        Instant now = Times.now(clock);
        c.id = id;
        c.tenantId = caller.tenantId();
        c.unitId = unitId;
        c.citizenId = citizenId;
        c.subjectEnc = Subjects.seal(k, c.tenantId, c.id, subject);
        c.status = Conversation.Status.open;
        c.createdAt = now;
        c.updatedAt = now;
        c.parties = parties.name();
        return conversations.persist(c).call(persisted -> conversations.flush())
                .call(persisted -> guardians.isEmpty() ? Uni.createFrom().voidItem() : setGuardians(c.id, guardians))
                .call(persisted -> log(persisted, caller, new Lifecycle("opened", null)));
    }

    /** Staff of the unit: to a staff member of the conversation's unit (else 404), or unassigned with null. */
    public Uni<ConversationView> assign(Caller caller, UUID id, UUID staffId) {
        Uni<Void> check = staffId == null
                ? Uni.createFrom().voidItem()
                : visibleToStaff(caller, id)
                        .flatMap(a -> directory.isStaffOfUnit(caller.tenantId(), staffId, a.route().unitId()))
                        .map(member -> {
                            if (!member) {
                                throw ProblemException.notFound("staff member");
                            }
                            return null;
                        });
        return check.flatMap(x -> update(caller, id, c -> c.assigneeId = staffId))
                .call(c -> audited(caller, AuditAction.CONVERSATION_ASSIGNED, c,
                        staffId == null ? Map.of() : Map.of("staffId", staffId.toString())))
                .flatMap(c -> changed(caller, c));
    }

    /**
     * Staff of the conversation's unit hand it to another unit of the tenant: the new unit sees it with its
     * whole history, the old unit no longer does, nobody is assigned, and the citizen is told by a system
     * message. 404 for a conversation the caller cannot see or a unit of another tenant.
     */
    public Uni<Void> transfer(Caller caller, UUID id, UUID unitId) {
        if (unitId == null) {
            throw ProblemException.invalid("unitId", "is required");
        }
        return visibleToStaff(caller, id).flatMap(before -> directory.unitName(caller.tenantId(), unitId)
                .flatMap(unitName -> directory.unitName(caller.tenantId(), before.route().unitId())
                        .map(fromName -> new String[]{unitName, fromName}))
                .flatMap(names -> {
                    String unitName = names[0];
                    if (unitName == null) {
                        throw ProblemException.notFound("unit");
                    }
                    if (unitId.equals(before.route().unitId())) {
                        throw ProblemException.invalid("unitId", "is the conversation's unit already");
                    }
                    // one statement, not the entity: unit_id is not an entity-updatable column, so no
                    // concurrent close or assign that loaded the row before can write the old unit back; the
                    // 'transferred' event of the log (journaled as conversation-transferred) in the same statement
                    return pool.preparedQuery("""
                            WITH c AS (
                              UPDATE conversation SET unit_id = $3, assignee_id = NULL, updated_at = $4
                              WHERE id = $1 AND tenant_id = $2 AND unit_id = $5
                              RETURNING id, citizen_id, last_seq)
                            INSERT INTO conversation_event (tenant_id, conversation_id, unit_id, citizen_id, kind, seq,
                                                            actor_kind, actor_id, created_at, detail)
                            SELECT $2, c.id, $3, c.citizen_id, 'transferred', c.last_seq, $6, $7, $4,
                                   jsonb_build_object('fromUnitId', CAST($5 AS text), 'toUnitId', CAST($3 AS text),
                                                      'fromUnitName', CAST($8 AS text), 'toUnitName', CAST($9 AS text))
                            FROM c
                            RETURNING citizen_id""")
                            .execute(Tuple.from(java.util.List.of(id, caller.tenantId(), unitId,
                                    Times.utc(Times.now(clock)), before.route().unitId(), caller.kind().name(),
                                    caller.id(), names[1] == null ? "" : names[1], unitName)))
                            .flatMap(rows -> {
                                if (rows.size() == 0) {
                                    throw ProblemException.notFound("conversation"); // moved meanwhile
                                }
                                Route route = new Route(caller.tenantId(), unitId, before.route().citizenId(), id);
                                // after commit: the old unit's views drop it, the new unit's gain it
                                fanout.publish(new ConversationEvent.Changed(before.route()));
                                fanout.publish(new ConversationEvent.Changed(route));
                                return audit.record(new AuditEvent(caller.tenantId(), AuditActor.of(caller),
                                        AuditAction.CONVERSATION_TRANSFERRED, "conversation", id,
                                        Map.of("fromUnitId", before.route().unitId().toString(), "toUnitId",
                                                unitId.toString())))
                                        .flatMap(x -> messages.postAsSystem(route, "transfer:" + Uuid7.next(clock),
                                                "Din samtale er flyttet til " + unitName + "."));
                            });
                }))
                .replaceWithVoid();
    }

    private Uni<ConversationQueries.Access> visibleToStaff(Caller caller, UUID id) {
        if (!caller.isStaff()) {
            throw ProblemException.notFound("conversation");
        }
        return queries.access(caller, id).map(a -> {
            if (a == null) {
                throw ProblemException.notFound("conversation");
            }
            return a;
        });
    }

    private Uni<Void> audited(Caller caller, AuditAction action, Conversation c, Map<String, String> detail) {
        return audit.record(new AuditEvent(c.tenantId, AuditActor.of(caller), action, "conversation", c.id, detail));
    }

    /** The case reference journal entries carry from now on (staff of the unit); null clears a field. */
    public Uni<ConversationView> setCase(Caller caller, UUID id, CaseReference ref) {
        return kle.check(caller.tenantId(), ref.kleClass(), ref.actionFacet()).flatMap(ok -> update(caller, id, c -> {
            c.caseNumber = ref.caseNumber();
            c.kleClass = ref.kleClass();
            c.actionFacet = ref.actionFacet();
        }, (before, after) -> java.util.Objects.equals(before.caseNumber, after.caseNumber)
                && java.util.Objects.equals(before.kleClass, after.kleClass)
                && java.util.Objects.equals(before.actionFacet, after.actionFacet)
                        ? null
                        : new Lifecycle("case-set", caseDetail(before, after))))
                .call(c -> audited(caller, AuditAction.CASE_REFERENCE_SET, c, Map.of()))
                .flatMap(c -> changed(caller, c));
    }

    public Uni<ConversationView> close(Caller caller, UUID id) {
        // an event only when the status changes: closing twice (or on two replicas at once: the row lock
        // orders them) is closed once
        return update(caller, id, c -> {
            if (c.status != Conversation.Status.closed) {
                c.closedAt = Times.now(clock); // closing again keeps the first closing time
            }
            c.status = Conversation.Status.closed;
        },
                (before, after) -> before.status == Conversation.Status.closed ? null : new Lifecycle("closed", null))
                .call(c -> audited(caller, AuditAction.CONVERSATION_CLOSED, c, Map.of()))
                .flatMap(c -> changed(caller, c));
    }

    public Uni<ConversationView> reopen(Caller caller, UUID id) {
        return update(caller, id, c -> {
            c.status = Conversation.Status.open;
            c.closedAt = null;
        },
                (before, after) -> before.status == Conversation.Status.open ? null : new Lifecycle("reopened", null))
                .call(c -> audited(caller, AuditAction.CONVERSATION_REOPENED, c, Map.of()))
                .flatMap(c -> changed(caller, c));
    }

    /** A lifecycle event of the log: its kind, and what it carries beyond the route (ids, states, references). */
    record Lifecycle(String kind, java.util.Map<String, Object> detail) {
    }

    private static java.util.Map<String, Object> caseDetail(Conversation before, Conversation after) {
        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("oldCaseNumber", before.caseNumber);
        d.put("oldKleClass", before.kleClass);
        d.put("oldActionFacet", before.actionFacet);
        d.put("caseNumber", after.caseNumber);
        d.put("kleClass", after.kleClass);
        d.put("actionFacet", after.actionFacet);
        return d;
    }

    /**
     * Staff of the unit: how the citizen is reached (app, sms, app-then-sms). SMS policies need a verified
     * phone number of the citizen (409 no-verified-phone otherwise).
     */
    public Uni<ConversationView> channelPolicy(Caller caller, UUID id, String policy) {
        if (policy == null || !java.util.Set.of("app", "sms", "app-then-sms").contains(policy)) {
            throw ProblemException.invalid("policy", "must be app, sms or app-then-sms");
        }
        if (!caller.isStaff()) {
            throw ProblemException.notFound("conversation");
        }
        Uni<Void> check = policy.equals("app")
                ? Uni.createFrom().voidItem()
                : queries.access(caller, id).call(a -> a == null ? Uni.createFrom().voidItem() : appOnly(id))
                        .flatMap(a -> {
                            if (a == null) {
                                throw ProblemException.notFound("conversation");
                            }
                            return smsReach.hasVerifiedNumber(a.route().citizenId());
                        }).map(reachable -> {
                            if (!reachable) {
                                throw new ProblemException(dk.samtale.platform.ErrorCode.NO_VERIFIED_PHONE,
                                        "The citizen has no verified phone number for SMS");
                            }
                            return null;
                        });
        return check.flatMap(x -> update(caller, id, c -> {
            if (!policy.equals("app") && Parties.Kind.of(c.parties) == Parties.Kind.guardians) {
                // SMS would go to the child's number: a conversation with guardians is app only (README)
                throw ProblemException.invalid("policy", "a conversation with the child's guardians is app only");
            }
            c.channelPolicy = policy;
        })).flatMap(c -> changed(caller, c));
    }

    @WithTransaction
    Uni<Conversation> update(Caller caller, UUID id, java.util.function.Consumer<Conversation> change) {
        return update(caller, id, change, null);
    }

    /**
     * Changes the conversation under a row lock and, when {@code event} says so, writes the lifecycle event
     * into the conversation event log in the same transaction (the journal and other consumers follow it).
     */
    @WithTransaction
    Uni<Conversation> update(Caller caller, UUID id, java.util.function.Consumer<Conversation> change,
            java.util.function.BiFunction<Conversation, Conversation, Lifecycle> event) {
        return conversations.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).flatMap(c -> {
            if (c == null || !caller.isStaff() || !caller.canSee(c.tenantId, c.unitId, c.citizenId)) {
                throw ProblemException.notFound("conversation");
            }
            Conversation before = new Conversation();
            before.status = c.status;
            before.caseNumber = c.caseNumber;
            before.kleClass = c.kleClass;
            before.actionFacet = c.actionFacet;
            change.accept(c);
            c.updatedAt = Times.now(clock);
            Lifecycle e = event == null ? null : event.apply(before, c);
            return e == null ? Uni.createFrom().item(c) : log(c, caller, e).replaceWith(c);
        });
    }

    private static final String LOG_EVENT = """
            INSERT INTO conversation_event (tenant_id, conversation_id, unit_id, citizen_id, kind, seq, actor_kind,
                                            actor_id, created_at, detail)
            VALUES (:tenant, :conversation, :unit, :citizen, :kind, :seq, :actorKind, :actorId, :at,
                    CASE WHEN :kind = 'case-set' THEN jsonb_build_object('oldCaseNumber', CAST(:oc AS text),
                        'oldKleClass', CAST(:ok AS text), 'oldActionFacet', CAST(:oa AS text),
                        'caseNumber', CAST(:nc AS text), 'kleClass', CAST(:nk AS text), 'actionFacet', CAST(:na AS text))
                    END)""";

    /** SMS would reach the child's number: a conversation with the child's guardians is app only. */
    private Uni<Void> appOnly(UUID id) {
        return pool.preparedQuery("SELECT parties FROM conversation WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
            if (rows.size() > 0 && "guardians".equals(rows.iterator().next().getString("parties"))) {
                throw ProblemException.invalid("policy", "a conversation with the child's guardians is app only");
            }
            return null;
        });
    }

    /** The guardians of a conversation with guardians as parties, in the transaction that creates it. */
    private Uni<Void> setGuardians(UUID id, List<UUID> guardians) {
        return io.quarkus.hibernate.reactive.panache.Panache.getSession()
                .chain(session -> session
                        .createNativeQuery("UPDATE conversation SET guardian_ids = :ids WHERE id = :id")
                        .setParameter("ids", guardians.toArray(UUID[]::new)).setParameter("id", id).executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Staff of the unit mark a conversation with the child as the child's own (counselling, anonymous advice)
     * or undo that; a conversation with guardians as parties cannot become the child's own (open a new one).
     */
    public Uni<ConversationView> markChildsOwn(Caller caller, UUID id, boolean own) {
        return update(caller, id, c -> {
            if (Parties.Kind.of(c.parties) == Parties.Kind.guardians) {
                throw ProblemException.invalid("childsOwn", "a conversation with the child's guardians cannot become"
                        + " the child's own; open a new conversation with the child");
            }
            c.parties = own ? Parties.Kind.child.name() : Parties.Kind.citizen.name();
        }).call(c -> audited(caller, AuditAction.CONVERSATION_PARTIES_SET, c, Map.of("parties", c.parties)))
                .flatMap(c -> changed(caller, c));
    }

    private Uni<Integer> log(Conversation c, Caller caller, Lifecycle e) {
        java.util.Map<String, Object> d = e.detail() == null ? java.util.Map.of() : e.detail();
        return io.quarkus.hibernate.reactive.panache.Panache.getSession()
                .chain(s -> s.createNativeQuery(LOG_EVENT).setParameter("tenant", c.tenantId)
                        .setParameter("conversation", c.id).setParameter("unit", c.unitId)
                        .setParameter("citizen", c.citizenId).setParameter("kind", e.kind())
                        .setParameter("seq", c.lastSeq).setParameter("actorKind", caller.kind().name())
                        .setParameter("actorId", caller.id()).setParameter("at", c.updatedAt)
                        .setParameter("oc", (String) d.get("oldCaseNumber"))
                        .setParameter("ok", (String) d.get("oldKleClass"))
                        .setParameter("oa", (String) d.get("oldActionFacet"))
                        .setParameter("nc", (String) d.get("caseNumber")).setParameter("nk", (String) d.get("kleClass"))
                        .setParameter("na", (String) d.get("actionFacet")).executeUpdate());
    }

    private Uni<ConversationView> changed(Caller caller, Conversation c) {
        // after commit: tell every replica, then answer with the caller's view
        fanout.publish(new ConversationEvent.Changed(new Route(c.tenantId, c.unitId, c.citizenId, c.id)));
        return get(caller, c.id);
    }

    private Uni<Boolean> exists(String sql, UUID id, UUID tenantId, String what) {
        return pool.preparedQuery(sql).execute(Tuple.of(id, tenantId)).map(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound(what);
            }
            return true;
        });
    }
}

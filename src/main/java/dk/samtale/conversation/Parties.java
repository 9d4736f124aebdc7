package dk.samtale.conversation;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.identity.Caller;
import dk.samtale.identity.Citizens;
import dk.samtale.identity.Cpr;

/**
 * Who a conversation is with, and which children a guardian may act for now. Both are cached in memory so
 * that no message costs an extra round trip: a citizen's wards (children under a guardianship not ended by
 * staff, with the day each turns 18) for {@link #WARDS_TTL}, evaluated against the injected clock at every
 * access; a conversation's parties (for delivering live frames) until it changes. A guardianship ended by
 * staff takes the guardian out of the child's conversations in the database at once, on every replica
 * ({@link #guardianshipEnded}); the cache only decides sooner.
 */
@ApplicationScoped
public class Parties {

    /** How long a citizen's wards are used before they are read again. */
    static final Duration WARDS_TTL = Duration.ofSeconds(30);

    /** Who a conversation is with (see V16): the citizen, the child's guardians, or the child on their own. */
    public enum Kind {
        citizen, guardians, child;

        static Kind of(String s) {
            return s == null ? citizen : valueOf(s);
        }
    }

    /** A conversation's parties; {@code comesOfAge} is the child's 18th birthday when guardians are parties. */
    record Info(Kind kind, UUID childId, List<UUID> guardians, LocalDate comesOfAge) {
    }

    private record Key(UUID tenantId, UUID citizenId) {
    }

    private static final UUID[] NONE = new UUID[0];

    private final Pool pool;
    private final Guardians guardians;
    private final Citizens citizens;
    private final Clock clock;
    private final Fanout fanout;
    private final Cache<Key, Map<UUID, LocalDate>> wards;
    private final Cache<UUID, Info> conversations;

    Parties(Pool pool, Guardians guardians, Citizens citizens, Clock clock, Fanout fanout) {
        this.pool = pool;
        this.guardians = guardians;
        this.citizens = citizens;
        this.clock = clock;
        this.fanout = fanout;
        this.wards = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(WARDS_TTL).build();
        this.conversations = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10))
                .build();
        // a conversation that changed (on any replica) is read again when its next frame is delivered
        fanout.subscribe(event -> {
            if (event instanceof ConversationEvent.Changed c) {
                conversations.invalidate(c.route().conversationId());
            }
        });
    }

    /**
     * The children this caller may act for as a guardian now (the child under 18 today); empty for staff,
     * service clients and the many citizens who are nobody's guardian (one cached entry each).
     */
    public Uni<UUID[]> wards(Caller caller) {
        if (!caller.isCitizen()) {
            return Uni.createFrom().item(NONE);
        }
        Key key = new Key(caller.tenantId(), caller.id());
        Map<UUID, LocalDate> cached = wards.getIfPresent(key);
        Uni<Map<UUID, LocalDate>> all = cached != null
                ? Uni.createFrom().item(cached)
                : guardians.wardsOf(caller.tenantId(), caller.id()).invoke(w -> wards.put(key, w));
        return all.map(this::current);
    }

    private UUID[] current(Map<UUID, LocalDate> all) {
        if (all.isEmpty()) {
            return NONE;
        }
        LocalDate today = today();
        return all.entrySet().stream().filter(e -> today.isBefore(e.getValue())).map(Map.Entry::getKey)
                .toArray(UUID[]::new);
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(Cpr.DENMARK));
    }

    /** Forgets a citizen's wards on this replica (a guardianship of theirs was registered or ended). */
    public void forgetWards(UUID tenantId, UUID citizenId) {
        wards.invalidate(new Key(tenantId, citizenId));
    }

    /**
     * A guardianship ended: the guardian is no longer a party to the child's conversations (in the database,
     * so on every replica at once); each such conversation's change goes to every replica's sockets.
     */
    public Uni<Void> guardianshipEnded(UUID tenantId, UUID childId, UUID guardianId) {
        forgetWards(tenantId, guardianId);
        return pool.preparedQuery("""
                UPDATE conversation SET guardian_ids = array_remove(guardian_ids, $3)
                WHERE tenant_id = $1 AND citizen_id = $2 AND parties = 'guardians' AND $3 = ANY(guardian_ids)
                RETURNING id, unit_id""").execute(Tuple.of(tenantId, childId, guardianId)).invoke(rows -> {
            for (Row r : rows) {
                fanout.publish(new ConversationEvent.Changed(
                        new Route(tenantId, r.getUUID("unit_id"), childId, r.getUUID("id"))));
            }
        }).replaceWithVoid();
    }

    /** The child's current guardians (for opening a conversation with them as parties). */
    Uni<java.util.Set<UUID>> guardiansOf(UUID tenantId, UUID childId) {
        return guardians.guardiansOf(tenantId, childId);
    }

    /**
     * The citizens a conversation's live frames go to besides its unit's staff: its citizen, or — for a
     * conversation with guardians as parties — the guardians while the child is under 18 (never the child).
     */
    public Uni<List<UUID>> citizenRecipients(Route route) {
        Info cached = conversations.getIfPresent(route.conversationId());
        Uni<Info> info = cached != null ? Uni.createFrom().item(cached) : load(route);
        return info.map(i -> recipients(route, i));
    }

    /** As {@link #citizenRecipients}, when the conversation's parties are cached; null otherwise. */
    public List<UUID> citizenRecipientsIfCached(Route route) {
        Info cached = conversations.getIfPresent(route.conversationId());
        return cached == null ? null : recipients(route, cached);
    }

    private List<UUID> recipients(Route route, Info i) {
        if (i.kind() != Kind.guardians) {
            return List.of(route.citizenId());
        }
        return i.comesOfAge() != null && today().isBefore(i.comesOfAge()) ? i.guardians() : List.<UUID>of();
    }

    private Uni<Info> load(Route route) {
        return pool.preparedQuery("SELECT parties, guardian_ids, citizen_id FROM conversation WHERE id = $1")
                .execute(Tuple.of(route.conversationId())).flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(new Info(Kind.citizen, route.citizenId(), List.of(), null));
                    }
                    Row r = rows.iterator().next();
                    Kind kind = Kind.of(r.getString("parties"));
                    UUID child = r.getUUID("citizen_id");
                    UUID[] ids = r.getArrayOfUUIDs("guardian_ids");
                    List<UUID> list = ids == null ? List.of() : List.of(ids);
                    if (kind != Kind.guardians) {
                        return Uni.createFrom().item(new Info(kind, child, list, null));
                    }
                    return citizens.people(route.tenantId(), List.of(child)).map(p -> {
                        Citizens.Person person = p.get(child);
                        LocalDate born = person == null ? null : person.born();
                        return new Info(kind, child, list, born == null ? null : Cpr.adultOn(born));
                    });
                }).invoke(i -> conversations.put(route.conversationId(), i));
    }
}

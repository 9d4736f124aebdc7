package dk.samtale.inbox;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * Opening hours per unit. Staff of the unit and the tenant's admins set them; the auto reply reads them
 * through a short cache (a message outside hours must not cost a query per message).
 */
@ApplicationScoped
public class OfficeHours {

    static final long CACHE_MILLIS = 30_000;
    public static final int MAX_AUTO_REPLY = 1000;
    private static final DateTimeFormatter DANISH = DateTimeFormatter.ofPattern("EEEE 'kl.' HH:mm",
            Locale.forLanguageTag("da"));

    /** A unit's setting; autoReply null means the configured default text. */
    public record Hours(UUID unitId, String timeZone, Map<String, List<Schedule.Span>> weekly, String autoReply,
            boolean enabled, boolean openNow, Instant nextOpening) {
    }

    public record Setting(Schedule schedule, String autoReply, boolean enabled) {
    }

    private record Cached(Setting setting, long at) {
    }

    private final Pool pool;
    private final ObjectMapper json;
    private final Clock clock;
    private final InboxConfig config;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    OfficeHours(Pool pool, ObjectMapper json, Clock clock, InboxConfig config) {
        this.pool = pool;
        this.json = json;
        this.clock = clock;
        this.config = config;
    }

    public Uni<Hours> get(Caller caller, UUID unitId) {
        return allowed(caller, unitId).flatMap(x -> load(unitId)).map(s -> view(unitId, s));
    }

    public Uni<Hours> put(Caller caller, UUID unitId, String timeZone, Map<String, List<Schedule.Span>> weekly,
            String autoReply, Boolean enabled) {
        Schedule schedule = Schedule.parse(timeZone, weekly);
        String reply = autoReply == null || autoReply.isBlank() ? null : autoReply.strip();
        if (reply != null && reply.length() > MAX_AUTO_REPLY) {
            throw ProblemException.invalid("autoReply", "must be at most " + MAX_AUTO_REPLY + " characters");
        }
        boolean on = enabled == null || enabled;
        return allowed(caller, unitId).flatMap(x -> pool.preparedQuery("""
                INSERT INTO office_hours (unit_id, tenant_id, time_zone, weekly, auto_reply, enabled, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (unit_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, weekly = EXCLUDED.weekly,
                  auto_reply = EXCLUDED.auto_reply, enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at""")
                .execute(Tuple.tuple(java.util.Arrays.asList(unitId, caller.tenantId(), schedule.zone().getId(),
                        new JsonObject(json.convertValue(schedule.spans(), new TypeReference<Map<String, Object>>() {
                        })), reply, on, Times.utc(Times.now(clock))))))
                .map(x -> {
                    Setting s = new Setting(schedule, reply, on);
                    cache.put(unitId, new Cached(s, clock.millis()));
                    return view(unitId, s);
                });
    }

    /** The unit's setting, at most {@link #CACHE_MILLIS} old; null when the unit has none. */
    public Uni<Setting> cached(UUID unitId) {
        Cached c = cache.get(unitId);
        if (c != null && clock.millis() - c.at() < CACHE_MILLIS) {
            return Uni.createFrom().item(c.setting());
        }
        return load(unitId).invoke(s -> cache.put(unitId, new Cached(s, clock.millis())));
    }

    /** The automatic reply for a message at {@code t}: the unit's text or the default, with {next} filled. */
    public String autoReplyText(Setting s, Instant t) {
        String text = s.autoReply() == null ? config.defaultAutoReply() : s.autoReply();
        ZonedDateTime next = s.schedule().nextOpening(t);
        return text.replace("{next}", next == null ? "snarest muligt" : DANISH.format(next));
    }

    private Hours view(UUID unitId, Setting s) {
        Instant now = clock.instant();
        if (s == null) {
            return new Hours(unitId, "Europe/Copenhagen", Map.of(), null, false, true, null);
        }
        ZonedDateTime next = s.schedule().nextOpening(now);
        return new Hours(unitId, s.schedule().zone().getId(), s.schedule().spans(), s.autoReply(), s.enabled(),
                !s.enabled() || s.schedule().isOpen(now), next == null ? null : next.toInstant());
    }

    private Uni<Setting> load(UUID unitId) {
        return pool.preparedQuery("SELECT time_zone, weekly, auto_reply, enabled FROM office_hours WHERE unit_id = $1")
                .execute(Tuple.of(unitId)).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    Map<String, List<Schedule.Span>> weekly = json.convertValue(
                            ((JsonObject) r.getValue("weekly")).getMap(),
                            new TypeReference<Map<String, List<Schedule.Span>>>() {
                            });
                    return new Setting(Schedule.parse(r.getString("time_zone"), weekly), r.getString("auto_reply"),
                            r.getBoolean("enabled"));
                });
    }

    /** Staff of the unit, or an admin service client of the unit's tenant; anyone else: 404. */
    private Uni<Void> allowed(Caller caller, UUID unitId) {
        if (caller.isStaff()) {
            Templates.member(caller, unitId);
            return Uni.createFrom().voidItem();
        }
        if (!caller.roles().contains("admin")) {
            throw ProblemException.notFound("unit");
        }
        return pool.preparedQuery("SELECT 1 FROM unit WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(unitId, caller.tenantId())).map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("unit");
                    }
                    return null;
                });
    }
}

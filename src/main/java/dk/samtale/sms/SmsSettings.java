package dk.samtale.sms;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;

/**
 * A tenant's SMS settings (table {@code sms_tenant}), as platform operators read and set them: who the
 * SMS come from, the number citizens answer to, the escalation delay, quiet hours and the answer to
 * unknown senders. Times are local to {@code zone}; the delay is an ISO-8601 duration.
 */
@ApplicationScoped
public class SmsSettings {

    private static final Pattern SENDER = Pattern.compile("[A-Za-z0-9 ]{1,11}|\\d{1,15}");
    private static final Pattern RECEIVER = Pattern.compile("\\d{8,15}");
    private static final int MAX_AUTO_REPLY = 480;

    /** The settings; null fields of an update take the defaults of the table. */
    public record Settings(String sender, String receiver, String escalationDelay, String quietStart,
            String quietEnd, String zone, Boolean bodyAllowed, String autoReply, UUID defaultUnitId) {
    }

    private final Pool pool;

    SmsSettings(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's settings, or null when SMS is not set up for it. */
    public Uni<Settings> get(UUID tenantId) {
        return pool.preparedQuery("""
                SELECT sender, receiver, EXTRACT(EPOCH FROM escalation_delay)::bigint AS delay_s,
                       to_char(quiet_start, 'HH24:MI') AS qs, to_char(quiet_end, 'HH24:MI') AS qe, zone,
                       body_allowed, auto_reply, default_unit_id
                FROM sms_tenant WHERE tenant_id = $1""").execute(Tuple.of(tenantId))
                .map(rows -> rows.size() == 0 ? null : settings(rows.iterator().next()));
    }

    /** Creates or replaces the tenant's settings. The caller has checked that defaultUnitId is the tenant's. */
    public Uni<Settings> put(UUID tenantId, Settings s) {
        Settings v = validated(s);
        Tuple t = Tuple.tuple(List.of(tenantId, v.sender(), v.receiver(), v.escalationDelay(), v.quietStart(),
                v.quietEnd(), v.zone(), v.bodyAllowed()));
        t.addValue(v.autoReply());
        t.addValue(v.defaultUnitId());
        return pool.preparedQuery("""
                INSERT INTO sms_tenant (tenant_id, sender, receiver, escalation_delay, quiet_start, quiet_end, zone,
                                        body_allowed, auto_reply, default_unit_id)
                VALUES ($1, $2, $3, $4::text::interval, $5::text::time, $6::text::time, $7, $8, $9, $10)
                ON CONFLICT (tenant_id) DO UPDATE SET sender = EXCLUDED.sender, receiver = EXCLUDED.receiver,
                    escalation_delay = EXCLUDED.escalation_delay, quiet_start = EXCLUDED.quiet_start,
                    quiet_end = EXCLUDED.quiet_end, zone = EXCLUDED.zone, body_allowed = EXCLUDED.body_allowed,
                    auto_reply = EXCLUDED.auto_reply, default_unit_id = EXCLUDED.default_unit_id""").execute(t)
                .onFailure(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState()))
                .transform(e -> new ProblemException(ErrorCode.PHONE_IN_USE,
                        "Another tenant receives SMS on this number"))
                .flatMap(x -> get(tenantId));
    }

    private static Settings validated(Settings s) {
        if (s == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        if (s.sender() == null || !SENDER.matcher(s.sender()).matches()) {
            throw ProblemException.invalid("sender", "must be up to 11 letters/digits or a number of up to 15 digits");
        }
        if (s.receiver() == null || !RECEIVER.matcher(s.receiver()).matches()) {
            throw ProblemException.invalid("receiver", "must be 8 to 15 digits with the country code, e.g. 4512345678");
        }
        String delay = "PT15M";
        if (s.escalationDelay() != null) {
            try {
                Duration d = Duration.parse(s.escalationDelay());
                if (d.isNegative() || d.compareTo(Duration.ofDays(7)) > 0) {
                    throw ProblemException.invalid("escalationDelay", "must be between PT0S and P7D");
                }
                delay = d.toString();
            } catch (DateTimeParseException e) {
                throw ProblemException.invalid("escalationDelay", "must be an ISO-8601 duration, e.g. PT15M");
            }
        }
        String zone = s.zone() == null ? "Europe/Copenhagen" : s.zone();
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ProblemException.invalid("zone", "must be a time zone id, e.g. Europe/Copenhagen");
        }
        if (s.autoReply() != null && (s.autoReply().isBlank() || s.autoReply().length() > MAX_AUTO_REPLY)) {
            throw ProblemException.invalid("autoReply", "must be 1 to " + MAX_AUTO_REPLY + " characters, or null");
        }
        return new Settings(s.sender(), s.receiver(), delay, time("quietStart", s.quietStart(), "21:00"),
                time("quietEnd", s.quietEnd(), "08:00"), zone, s.bodyAllowed() == null || s.bodyAllowed(),
                s.autoReply(), s.defaultUnitId());
    }

    private static String time(String field, String value, String fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return LocalTime.parse(value).toString();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be a local time, e.g. 21:00");
        }
    }

    private static Settings settings(Row r) {
        return new Settings(r.getString("sender"), r.getString("receiver"),
                Duration.ofSeconds(r.getLong("delay_s")).toString(), r.getString("qs"), r.getString("qe"),
                r.getString("zone"), r.getBoolean("body_allowed"), r.getString("auto_reply"),
                r.getUUID("default_unit_id"));
    }
}

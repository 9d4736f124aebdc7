package dk.samtale.inbox;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dk.samtale.platform.ProblemException;

/**
 * A unit's weekly opening hours in its time zone (so summer time is handled by the zone rules).
 * {@code weekly} maps "mon".."sun" to intervals "HH:mm"-"HH:mm"; a day that is missing is closed.
 */
public record Schedule(ZoneId zone, Map<DayOfWeek, List<Interval>> weekly) {

    /** Looking this far for the last closing or the next opening; a unit closed for two weeks has none. */
    private static final int HORIZON_DAYS = 14;

    public record Interval(LocalTime from, LocalTime to) {
        public Interval {
            if (!from.isBefore(to)) {
                throw ProblemException.invalid("weekly", "an interval must end after it starts");
            }
        }
    }

    /** The wire form of an interval: {"from": "08:00", "to": "15:30"}. */
    public record Span(String from, String to) {
    }

    public static Schedule parse(String zone, Map<String, List<Span>> weekly) {
        ZoneId z;
        try {
            z = ZoneId.of(zone == null ? "Europe/Copenhagen" : zone);
        } catch (Exception e) {
            throw ProblemException.invalid("timeZone", "must be an IANA time zone such as Europe/Copenhagen");
        }
        Map<DayOfWeek, List<Interval>> days = new EnumMap<>(DayOfWeek.class);
        if (weekly != null) {
            weekly.forEach((day, spans) -> {
                DayOfWeek d = day(day);
                List<Interval> list = new ArrayList<>();
                for (Span s : spans == null ? List.<Span>of() : spans) {
                    list.add(new Interval(time(s == null ? null : s.from()), time(s == null ? null : s.to())));
                }
                list.sort((a, b) -> a.from().compareTo(b.from()));
                days.put(d, List.copyOf(list));
            });
        }
        return new Schedule(z, days);
    }

    public Map<String, List<Span>> spans() {
        Map<String, List<Span>> out = new java.util.LinkedHashMap<>();
        for (DayOfWeek d : DayOfWeek.values()) {
            List<Interval> list = weekly.get(d);
            if (list != null && !list.isEmpty()) {
                out.put(key(d), list.stream().map(i -> new Span(i.from().toString(), i.to().toString())).toList());
            }
        }
        return out;
    }

    public boolean isOpen(Instant t) {
        ZonedDateTime local = t.atZone(zone);
        for (Interval i : weekly.getOrDefault(local.getDayOfWeek(), List.of())) {
            LocalTime now = local.toLocalTime();
            if (!now.isBefore(i.from()) && now.isBefore(i.to())) {
                return true;
            }
        }
        return false;
    }

    /** When the closed period that contains {@code t} began (the last closing before it), or null. */
    public Instant closedSince(Instant t) {
        LocalDate day = t.atZone(zone).toLocalDate();
        for (int back = 0; back <= HORIZON_DAYS; back++) {
            LocalDate d = day.minusDays(back);
            List<Interval> list = weekly.getOrDefault(d.getDayOfWeek(), List.of());
            for (int i = list.size() - 1; i >= 0; i--) {
                Instant end = d.atTime(list.get(i).to()).atZone(zone).toInstant();
                if (!end.isAfter(t)) {
                    return end;
                }
            }
        }
        return null;
    }

    /** The next opening after {@code t}, or null when none within two weeks. */
    public ZonedDateTime nextOpening(Instant t) {
        LocalDate day = t.atZone(zone).toLocalDate();
        for (int ahead = 0; ahead <= HORIZON_DAYS; ahead++) {
            LocalDate d = day.plusDays(ahead);
            for (Interval i : weekly.getOrDefault(d.getDayOfWeek(), List.of())) {
                ZonedDateTime start = d.atTime(i.from()).atZone(zone);
                if (start.toInstant().isAfter(t)) {
                    return start;
                }
            }
        }
        return null;
    }

    private static DayOfWeek day(String key) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (key(d).equals(key)) {
                return d;
            }
        }
        throw ProblemException.invalid("weekly", "days are mon, tue, wed, thu, fri, sat, sun");
    }

    private static String key(DayOfWeek d) {
        return d.name().substring(0, 3).toLowerCase(Locale.ROOT);
    }

    private static LocalTime time(String s) {
        if (s == null || !s.matches("\\d{2}:\\d{2}")) {
            throw ProblemException.invalid("weekly", "times are HH:mm");
        }
        try {
            return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("weekly", "times are HH:mm");
        }
    }
}

package dk.samtale.retention;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dk.samtale.platform.ProblemException;

/**
 * A tenant's retention policy.
 *
 * @param conversationDays days after closing before a closed conversation's content is deleted
 * @param kleDays per KLE prefix (a main group {@code 27}, group {@code 27.12} or subject {@code 27.12.04}):
 *        days for conversations with that class; the longest matching prefix wins (a child protection
 *        class may be kept longer than the tenant's default)
 * @param recordDays per kind of aged record ({@code sms-unmatched}, {@code sms-notices}, {@code push-failures},
 *        {@code devices}, {@code audit}): days; a kind not named keeps its default
 * @param enabled the job deletes for this tenant only when enabled and a dry run was made after the last
 *        change ({@code dryRunAt} not before {@code updatedAt})
 */
public record Policy(int conversationDays, Map<String, Integer> kleDays, Map<String, Integer> recordDays,
        boolean enabled, Instant updatedAt, String updatedBy, Instant dryRunAt) {

    static final int MAX_DAYS = 36_525; // 100 years
    private static final Pattern KLE = Pattern.compile("\\d{2}(\\.\\d{2}){0,2}");

    public Policy {
        kleDays = kleDays == null ? Map.of() : Map.copyOf(new TreeMap<>(kleDays));
        recordDays = recordDays == null ? Map.of() : Map.copyOf(new TreeMap<>(recordDays));
    }

    /** Checks what an admin sent; names the offending field. */
    void validate(java.util.Set<String> kinds) {
        days("conversationDays", conversationDays);
        kleDays.forEach((prefix, days) -> {
            if (!KLE.matcher(prefix).matches()) {
                throw ProblemException.invalid("kleDays",
                        "'" + prefix + "' is not a KLE class or prefix (27, 27.12, 27.12.04)");
            }
            days("kleDays." + prefix, days);
        });
        recordDays.forEach((kind, days) -> {
            if (!kinds.contains(kind)) {
                throw ProblemException.invalid("recordDays", "unknown kind '" + kind + "'; known: " + kinds);
            }
            days("recordDays." + kind, days);
        });
    }

    private static void days(String field, Integer days) {
        if (days == null || days < 1 || days > MAX_DAYS) {
            throw ProblemException.invalid(field, "must be 1 to " + MAX_DAYS + " days");
        }
    }

    /** Days for a conversation of this KLE class (null: none set): the longest matching prefix, else the default. */
    int daysFor(String kleClass) {
        if (kleClass != null) {
            String best = null;
            for (String prefix : kleDays.keySet()) {
                if ((kleClass.equals(prefix) || kleClass.startsWith(prefix + "."))
                        && (best == null || prefix.length() > best.length())) {
                    best = prefix;
                }
            }
            if (best != null) {
                return kleDays.get(best);
            }
        }
        return conversationDays;
    }

    /** The fewest days any conversation is kept: candidates are read from there. */
    int minimumConversationDays() {
        return kleDays.values().stream().mapToInt(Integer::intValue).min().stream()
                .map(m -> Math.min(m, conversationDays)).findFirst().orElse(conversationDays);
    }

    /** Whether the job may delete for this tenant. */
    boolean active() {
        return enabled && dryRunAt != null && updatedAt != null && !dryRunAt.isBefore(updatedAt);
    }
}

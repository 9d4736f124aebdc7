package dk.samtale.guardian;

import java.time.Instant;
import java.util.UUID;

/**
 * A registered guardianship as staff see it. {@code status} is evaluated when it is read: {@code ended}
 * once staff ended it ({@code endReason: ended-by-staff}) or from the child's 18th birthday
 * ({@code endReason: child-of-age}, {@code endedAt} that day's midnight in Denmark).
 *
 * @param basis why this person is a guardian: {@code parental-authority} (forældremyndighed)
 * @param unitId the unit on whose behalf the caseworker registered it
 */
public record Guardianship(UUID id, UUID childId, Person guardian, String basis, UUID unitId, UUID registeredBy,
        Instant registeredAt, Status status, Instant endedAt, UUID endedBy, EndReason endReason) {

    /** The guardian: a citizen of the same municipality. */
    public record Person(UUID id, String name) {
        @Override
        public String toString() {
            return "Person[" + id + "]";
        }
    }

    public enum Status {
        active, ended
    }

    public enum EndReason {
        @com.fasterxml.jackson.annotation.JsonProperty("ended-by-staff")
        endedByStaff, @com.fasterxml.jackson.annotation.JsonProperty("child-of-age")
        childOfAge
    }
}

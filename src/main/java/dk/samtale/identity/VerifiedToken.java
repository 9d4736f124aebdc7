package dk.samtale.identity;

import java.time.Instant;
import java.util.Set;

/**
 * What a verified token says about its bearer. {@code cpr} is set for citizens only; it never
 * appears in {@link #toString()}.
 */
public record VerifiedToken(CallerKind kind, String tenant, String subject, String name, String cpr,
        Set<String> groups, Instant expiresAt) {

    /** Key under which the identity carries this record. */
    public static final String ATTRIBUTE = "samtale.verified-token";

    @Override
    public String toString() {
        return "VerifiedToken[" + kind + " " + tenant + "/" + subject + "]";
    }
}

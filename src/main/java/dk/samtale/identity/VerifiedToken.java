package dk.samtale.identity;

import java.time.Instant;
import java.util.Set;

/**
 * What a verified token says about its bearer. {@code cpr} is set for citizens only; it never
 * appears in {@link #toString()}.
 *
 * @param tenant the tenant's slug when the issuer serves one tenant, else null
 * @param tenantCode the municipality code from the token when the issuer is shared, else null
 * @param client the client the token was issued to ({@code azp}/{@code client_id}/{@code appid}), if named
 */
public record VerifiedToken(CallerKind kind, String tenant, String tenantCode, String subject, String client,
        String name, String cpr, Set<String> groups, Instant expiresAt) {

    /** Key under which the identity carries this record. */
    public static final String ATTRIBUTE = "samtale.verified-token";

    /** Which tenant the token belongs to, whichever way it names it. */
    public String tenantKey() {
        return tenant != null ? tenant : "code:" + tenantCode;
    }

    @Override
    public String toString() {
        return "VerifiedToken[" + kind + " " + tenantKey() + "/" + subject + "]";
    }
}

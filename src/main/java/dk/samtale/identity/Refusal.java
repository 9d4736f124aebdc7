package dk.samtale.identity;

import io.quarkus.security.AuthenticationFailedException;

/**
 * Why a token was refused, as a stable code for the log line and the metric
 * {@code samtale_auth_refused_total{reason}}. The code never contains the token or its claims.
 */
public enum Refusal {
    MALFORMED("malformed", false), UNTRUSTED_ISSUER("untrusted-issuer", false), NO_MATCHING_ENTRY(
            "no-matching-entry", false), UNKNOWN_KEY("unknown-key", false), KEYS_UNAVAILABLE("keys-unavailable",
                    true), BAD_SIGNATURE("bad-signature", false), EXPIRED("expired", false), INVALID("invalid",
                            false), WRONG_AUDIENCE("wrong-audience", true), NO_CPR("no-cpr", true), LOW_ASSURANCE(
                                    "low-assurance", true), NO_NAME("no-name", true), NO_TENANT_CLAIM(
                                            "no-tenant-claim", true), UNKNOWN_TENANT("unknown-tenant",
                                                    true), ODD_CLAIMS("odd-claims", true);

    private final String code;
    private final boolean operatorsShouldKnow;

    Refusal(String code, boolean operatorsShouldKnow) {
        this.code = code;
        this.operatorsShouldKnow = operatorsShouldKnow;
    }

    /**
     * Whether this refusal points at a configuration mismatch (a correctly signed token that still does
     * not fit: audience, claims, tenant) rather than at a bad or stale token anyone can send: the former
     * is logged at INFO, the latter at DEBUG, so a flood of junk tokens does not flood the log.
     */
    public boolean operatorsShouldKnow() {
        return operatorsShouldKnow;
    }

    public String code() {
        return code;
    }

    /** The failure carrying this reason (answered 401 like any other; its message is the code). */
    public AuthenticationFailedException failure() {
        return new AuthenticationFailedException(code);
    }
}

package dk.samtale.identity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules that pick the configuration entry for a token, and the check that no token can match two
 * entries. Several entries may share an {@code iss} (one IdP for several municipalities or clients) only
 * when their audiences or their clients tell them apart; otherwise which one wins would depend on map
 * order, so the service refuses to start and says which entries collide.
 */
final class IssuerRules {

    /** A configured issuer entry with the name it was configured under. */
    record Entry(String name, IdentityConfig.Issuer config) {
    }

    private IssuerRules() {
    }

    /**
     * @throws IllegalStateException listing every problem, when the configuration is not usable
     */
    static void check(Map<String, IdentityConfig.Issuer> issuers) {
        List<String> problems = problems(issuers);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid token issuer configuration (samtale.identity.issuers): "
                    + String.join("; ", problems));
        }
    }

    static List<String> problems(Map<String, IdentityConfig.Issuer> issuers) {
        List<String> problems = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        new TreeMap<>(issuers).forEach((name, i) -> entries.add(new Entry(name, i)));
        for (Entry e : entries) {
            IdentityConfig.Issuer i = e.config();
            String at = "samtale.identity.issuers." + e.name();
            if (i.tenant().isPresent() && i.tenantClaim().isPresent()) {
                problems.add(at + " sets both tenant and tenant-claim: choose one");
            }
            if (i.tenant().isEmpty() && i.tenantClaim().isEmpty() && !i.platformOperators()) {
                problems.add(at + " needs tenant (one municipality) or tenant-claim (an issuer shared by several)");
            }
            if (i.platformOperators() && i.kind() != CallerKind.service) {
                problems.add(at + " has platform-operators=true, which needs kind=service");
            }
            for (String alg : i.algorithms()) {
                if (!alg.matches("(RS|PS|ES)(256|384|512)|EdDSA")) {
                    problems.add(at + ".algorithms: " + alg + " is not an accepted public-key algorithm");
                }
            }
            if (i.jwks().isEmpty() && !i.issuer().startsWith("https://") && !i.issuer().startsWith("http://")) {
                problems.add(at + " has no jwks and its issuer is not a URL to discover the keys from");
            }
        }
        for (int a = 0; a < entries.size(); a++) {
            for (int b = a + 1; b < entries.size(); b++) {
                Entry x = entries.get(a);
                Entry y = entries.get(b);
                if (x.config().issuer().equals(y.config().issuer()) && overlap(x.config(), y.config())) {
                    problems.add("samtale.identity.issuers." + x.name() + " and ." + y.name() + " both trust iss "
                            + x.config().issuer() + " for the same tokens: give each its own audience or clients");
                }
            }
        }
        return problems;
    }

    private static boolean overlap(IdentityConfig.Issuer x, IdentityConfig.Issuer y) {
        boolean audiences = x.audience().isEmpty() || y.audience().isEmpty()
                || x.audience().get().equals(y.audience().get());
        return audiences && intersect(x.clients(), y.clients());
    }

    private static boolean intersect(Optional<List<String>> x, Optional<List<String>> y) {
        if (x.isEmpty() || y.isEmpty()) {
            return true;
        }
        Set<String> common = new HashSet<>(x.get());
        common.retainAll(y.get());
        return !common.isEmpty();
    }

    /**
     * The entry among those with the token's {@code iss} whose audience and clients fit the (not yet
     * verified) token; the parser then verifies against that entry's keys and audience.
     */
    static Optional<Entry> select(List<Entry> sameIssuer, Set<String> audiences, String client) {
        return sameIssuer.stream()
                .filter(e -> e.config().audience().map(audiences::contains).orElse(true))
                .filter(e -> e.config().clients().map(c -> client != null && c.contains(client)).orElse(true))
                .findFirst();
    }

    /**
     * The kind of caller a verified token stands for: a service when its client, its {@code idtyp} or
     * one of its roles says so, else the entry's kind.
     */
    static CallerKind kind(IdentityConfig.Issuer config, String client, String idtyp, Set<String> roles) {
        if (config.serviceClients().map(c -> client != null && c.contains(client)).orElse(false)) {
            return CallerKind.service;
        }
        if (config.appTokensAreServices() && "app".equals(idtyp)) {
            return CallerKind.service;
        }
        if (config.serviceRoles().map(r -> r.stream().anyMatch(roles::contains)).orElse(false)) {
            return CallerKind.service;
        }
        return config.kind();
    }
}

package dk.samtale.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The issuer configuration is checked at start; the rules pick one entry and one caller kind per token. */
class IssuerRulesTest {

    private static final String IDP = "https://login.example.dk/realms/kommune";

    private static Map<String, IdentityConfig.Issuer> config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put("samtale.identity.issuers." + keyValues[i], keyValues[i + 1]);
        }
        return new SmallRyeConfigBuilder().withMapping(IdentityConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 100)).build()
                .getConfigMapping(IdentityConfig.class).issuers();
    }

    @Test
    void twoEntriesWithTheSameIssAndOverlappingRulesRefuseToStartNamingBoth() {
        var issuers = config("staff.issuer", IDP, "staff.kind", "staff", "staff.tenant", "varde",
                "services.issuer", IDP, "services.kind", "service", "services.tenant", "varde");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IssuerRules.check(issuers));
        assertTrue(e.getMessage().contains("samtale.identity.issuers.services and .staff both trust iss " + IDP),
                e.getMessage());
        assertTrue(e.getMessage().contains("give each its own audience or clients"), e.getMessage());
    }

    @Test
    void entriesWithTheSameIssAreFineWhenTheirClientsOrAudiencesDiffer() {
        assertEquals(List.of(), IssuerRules.problems(config(
                "varde.issuer", IDP, "varde.kind", "staff", "varde.tenant", "varde", "varde.clients", "inbox-varde",
                "varde.audience", "samtale-varde",
                "billund.issuer", IDP, "billund.kind", "staff", "billund.tenant", "billund", "billund.clients",
                "inbox-billund",
                "aabenraa.issuer", IDP, "aabenraa.kind", "staff", "aabenraa.tenant", "aabenraa",
                "aabenraa.audience", "samtale-aabenraa", "aabenraa.clients", "inbox-varde")));
        // one entry without clients overlaps every entry of its iss and audience
        assertEquals(1, IssuerRules.problems(config(
                "varde.issuer", IDP, "varde.kind", "staff", "varde.tenant", "varde", "varde.clients", "inbox-varde",
                "any.issuer", IDP, "any.kind", "staff", "any.tenant", "billund")).size());
    }

    @Test
    void anEntryNeedsExactlyOneWayToFindItsTenant() {
        var neither = IssuerRules.problems(config("x.issuer", IDP, "x.kind", "staff"));
        assertTrue(neither.get(0).contains("needs tenant (one municipality) or tenant-claim"), neither.toString());
        var both = IssuerRules.problems(config("x.issuer", IDP, "x.kind", "staff", "x.tenant", "varde",
                "x.tenant-claim", "municipality_code"));
        assertTrue(both.get(0).contains("sets both tenant and tenant-claim"), both.toString());
        // only the operators' issuer may have no tenant, and it must be a service issuer
        assertEquals(List.of(), IssuerRules.problems(config("ops.issuer", IDP, "ops.kind", "service",
                "ops.platform-operators", "true")));
        assertEquals(1, IssuerRules.problems(config("ops.issuer", IDP, "ops.kind", "staff",
                "ops.platform-operators", "true")).size());
    }

    @Test
    void symmetricAndUnknownAlgorithmsAreRefused() {
        var problems = IssuerRules.problems(config("x.issuer", IDP, "x.kind", "staff", "x.tenant", "varde",
                "x.algorithms", "RS256,HS256,none"));
        assertEquals(2, problems.size(), problems.toString());
    }

    @Test
    void keysAreFoundByDiscoveryOnlyForAUrlIssuer() {
        assertEquals(1, IssuerRules.problems(config("x.issuer", "urn:not-a-url", "x.kind", "staff", "x.tenant",
                "varde")).size());
        assertEquals(List.of(), IssuerRules.problems(config("x.issuer", "urn:not-a-url", "x.kind", "staff",
                "x.tenant", "varde", "x.jwks", "/keys/jwks.json")));
    }

    @Test
    void theEntryIsChosenByAudienceAndClient() {
        var issuers = config("varde.issuer", IDP, "varde.kind", "staff", "varde.tenant", "varde", "varde.clients",
                "inbox-varde", "billund.issuer", IDP, "billund.kind", "staff", "billund.tenant", "billund",
                "billund.clients", "inbox-billund");
        List<IssuerRules.Entry> entries = issuers.entrySet().stream()
                .map(e -> new IssuerRules.Entry(e.getKey(), e.getValue())).toList();
        assertEquals("billund", IssuerRules.select(entries, Set.of(), "inbox-billund").orElseThrow().name());
        assertEquals("varde", IssuerRules.select(entries, Set.of(), "inbox-varde").orElseThrow().name());
        assertTrue(IssuerRules.select(entries, Set.of(), "someone-else").isEmpty());
        assertTrue(IssuerRules.select(entries, Set.of(), null).isEmpty());
    }

    @Test
    void oneIssuerCarriesStaffAndServiceCallers() {
        IdentityConfig.Issuer staff = config("s.issuer", IDP, "s.kind", "staff", "s.tenant", "varde",
                "s.service-clients", "sbsys", "s.service-roles", "journal-reader").get("s");
        assertEquals(CallerKind.staff, IssuerRules.kind(staff, "samtale-inbox", null, Set.of("team-ung")));
        assertEquals(CallerKind.service, IssuerRules.kind(staff, "sbsys", null, Set.of()));
        assertEquals(CallerKind.service, IssuerRules.kind(staff, "other", "app", Set.of()));
        assertEquals(CallerKind.service, IssuerRules.kind(staff, "other", null, Set.of("journal-reader")));
        IdentityConfig.Issuer noApp = config("s.issuer", IDP, "s.kind", "staff", "s.tenant", "varde",
                "s.app-tokens-are-services", "false").get("s");
        assertEquals(CallerKind.staff, IssuerRules.kind(noApp, "other", "app", Set.of()));
    }
}

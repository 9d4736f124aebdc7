package dk.samtale.guardian;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.platform.CitizenConversations;
import dk.samtale.platform.InsightContributor;
import dk.samtale.testing.World;

/**
 * The insight report and children (issue 20): a guardian's report has their guardianships and the
 * conversations they are a party of, and nothing of the child's own conversation in any section; the
 * child's report has the child's guardianships and own conversations but not the conversation with its
 * guardians: a report covers the conversations its citizen is a party of (the guardians' reports cover
 * that one), for the citizen and for the data protection officer alike.
 */
@QuarkusTest
class GuardianInsightTest {

    private static final UUID TESTBY = UUID.fromString("00000000-0000-7000-8000-000000000001");
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @Inject
    @Any
    Instance<InsightContributor> contributors;

    @Inject
    CitizenConversations conversations;

    @Test
    void aGuardiansReportHoldsNothingOfTheChildsOwnConversation() throws Exception {
        GuardianViewTest.Family f = GuardianViewTest.family(13, 4);
        String secret = "Det her er kun mellem os " + UUID.randomUUID();
        World.send(f.childToken(), f.childsOwn(), secret);
        World.send(f.guardianToken(), f.withGuardians(), "Vi ses på mødet");

        Map<String, String> guardian = report(UUID.fromString(f.guardianId()), InsightContributor.Audience.citizen);
        String all = String.join("\n", guardian.values());
        assertFalse(all.contains(f.childsOwn()), "the child's own conversation is in a guardian's report");
        assertFalse(all.contains(secret), "the child's own message is in a guardian's report");
        assertTrue(guardian.get("conversations").contains(f.withGuardians()), guardian.get("conversations"));
        assertTrue(guardian.get("conversations").contains("Vi ses på mødet"));
        assertTrue(guardian.get("guardianships").contains(f.guardianshipId()), guardian.get("guardianships"));

        Map<String, String> child = report(UUID.fromString(f.child()), InsightContributor.Audience.citizen);
        assertTrue(child.get("conversations").contains(secret));
        assertFalse(String.join("\n", child.values()).contains(f.withGuardians()),
                "the conversation with the guardians is in the child's report");
        assertTrue(child.get("guardianships").contains(f.guardianshipId()));

        Map<String, String> dpo = report(UUID.fromString(f.child()), InsightContributor.Audience.dpo);
        assertFalse(String.join("\n", dpo.values()).contains(f.withGuardians()),
                "a report covers the conversations its citizen is a party of");
    }

    private Map<String, String> report(UUID citizen, InsightContributor.Audience audience) throws Exception {
        Set<UUID> ids = conversations.of(TESTBY, citizen).await().atMost(Duration.ofSeconds(10));
        InsightContributor.Subject subject = new InsightContributor.Subject(TESTBY, citizen, ids, audience);
        Map<String, String> out = new LinkedHashMap<>();
        for (InsightContributor c : contributors) {
            InsightContributor.Section s = c.about(subject).await().atMost(Duration.ofSeconds(10));
            out.put(s.name(), JSON.writeValueAsString(s.items()));
        }
        return out;
    }
}

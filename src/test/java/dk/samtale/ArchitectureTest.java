package dk.samtale;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The package structure's rules (architecture.md, "Layout" and "Ports and adapters"), checked on the
 * production classes on every build. Package by feature: {@code dk.samtale.<feature>}, each external
 * system behind a port at the feature's root, each adapter in a sub-package named for its technology.
 *
 * <p>
 * Layers, bottom up: {@code platform} (the shared kernel: problems, limits, ids, time) ← {@code crypto}
 * (key ring and cipher: every feature that stores sealed data needs it) ← {@code identity} (callers;
 * it seals CPR numbers, so it sits above crypto) ← the features ({@code conversation}, {@code chat},
 * {@code inbox}, {@code journal}, {@code push}, {@code sms}, {@code keyadmin}, ...). {@code demo} sits on
 * top and exists only in a demo build.
 */
@AnalyzeClasses(packages = "dk.samtale", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    // ---- no cycles --------------------------------------------------------------------------------------

    @ArchTest
    static final ArchRule featuresDoNotDependOnEachOtherInACycle = slices().matching("dk.samtale.(*)..")
            .namingSlices("$1").should().beFreeOfCycles()
            .because("a cycle between features means neither can change, be tested or be understood alone;"
                    + " features meet through events and ports, and dependencies point one way");

    // ---- layers: platform at the bottom, then crypto, then identity -------------------------------------

    @ArchTest
    static final ArchRule platformDependsOnNoFeature = classes().that().resideInAPackage("dk.samtale.platform..")
            .should().onlyDependOnClassesThat(
                    resideOutsideOfPackage("dk.samtale..").or(resideInAPackage("dk.samtale.platform..")))
            .because("platform is the shared kernel every feature uses; if it knew a feature, that feature"
                    + " could not use platform without a cycle");

    @ArchTest
    static final ArchRule cryptoDependsOnlyOnPlatform = classes().that().resideInAPackage("dk.samtale.crypto..")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("dk.samtale..")
                    .or(resideInAnyPackage("dk.samtale.crypto..", "dk.samtale.platform..")))
            .because("identity and every feature that stores sealed data use the key ring; an endpoint"
                    + " that needs the caller belongs above crypto (keyadmin), not in it");

    @ArchTest
    static final ArchRule identityDependsOnlyOnCryptoAndPlatform = classes().that()
            .resideInAPackage("dk.samtale.identity..")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("dk.samtale..")
                    .or(resideInAnyPackage("dk.samtale.identity..", "dk.samtale.crypto..", "dk.samtale.platform..")))
            .because("every feature authorises through identity's Caller; identity seals CPR numbers with"
                    + " crypto and knows nothing of the features above it");

    @ArchTest
    static final ArchRule auditKnowsOnlyTheLayersBelowIt = classes().that().resideInAPackage("dk.samtale.audit..")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("dk.samtale..")
                    .or(resideInAnyPackage("dk.samtale.audit..", "dk.samtale.identity..", "dk.samtale.platform..")))
            .because("every feature records staff actions to the audit trail, so it must not know any of them");

    // ---- the message path knows no consumer ---------------------------------------------------------------

    /**
     * {@code conversation} may use the layers below every feature: platform, crypto (it seals message
     * bodies), identity (every decision is made on a Caller; messages carry an Actor) and the staff audit
     * trail's port (a layer every feature records its staff actions to, ids only; audit itself knows only
     * identity and platform). Journal, push, SMS, inbox and chat follow the message path; the message path
     * never calls them.
     */
    @ArchTest
    static final ArchRule conversationImportsNoOtherFeature = classes().that()
            .resideInAPackage("dk.samtale.conversation..")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("dk.samtale..")
                    .or(resideInAnyPackage("dk.samtale.conversation..", "dk.samtale.identity..",
                            "dk.samtale.crypto..", "dk.samtale.platform..", "dk.samtale.audit..")))
            .because("the message path writes the message and one event; journal, push, SMS and the"
                    + " inbox are consumers of it and decide their own policy, so conversation must not"
                    + " know them (architecture.md, 'The message path')");

    /**
     * {@code chat} is the WebSocket face of conversations: it delivers conversation events to sockets and
     * takes frames in. What other features add to a conversation reaches it as events, not by chat calling
     * them.
     */
    @ArchTest
    static final ArchRule chatKnowsOnlyConversation = classes().that().resideInAPackage("dk.samtale.chat..")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("dk.samtale..")
                    .or(resideInAnyPackage("dk.samtale.chat..", "dk.samtale.conversation..", "dk.samtale.identity..",
                            "dk.samtale.crypto..", "dk.samtale.platform..")))
            .because("a feature that shows something in the chat publishes its own event kinds; chat must not"
                    + " change for every feature that does (issue 21)");

    // ---- adapters only through their port ----------------------------------------------------------------

    /** A feature's sub-package is a technology adapter: {@code dk.samtale.<feature>.<technology>..}. */
    private static final Pattern ADAPTER = Pattern.compile("dk\\.samtale\\.([a-z0-9]+)\\.([a-z0-9]+)(\\..*)?");

    @ArchTest
    static final ArchRule adaptersAreUsedOnlyThroughTheirPort = classes()
            .that().resideInAPackage("dk.samtale.*.*..")
            .should(beReferencedOnlyFromTheirOwnAdapterOrTheirFeaturesWiring())
            .because("every external system sits behind a port named in domain words (PushNotifier,"
                    + " SmsGateway, CaseJournal, MessageCipher, Fanout); code that names an adapter's class"
                    + " cannot swap the technology or be tested with a fake, and its SDK's types leak");

    // ---- demo is not part of production ----------------------------------------------------------------

    @ArchTest
    static final ArchRule productionCodeDoesNotReachDemo = noClasses().that()
            .resideOutsideOfPackage("dk.samtale.demo..")
            .should().dependOnClassesThat().resideInAPackage("dk.samtale.demo..")
            .because("the demo profile (seeded data, a token endpoint that signs tokens for anyone) must"
                    + " not exist in a production build; nothing outside demo may reach it");

    @ArchTest
    static final ArchRule demoBeansExistOnlyInADemoBuild = classes().that().resideInAPackage("dk.samtale.demo..")
            .and(isABeanOrEndpoint())
            .should().beAnnotatedWith(describe("@IfBuildProfile(\"demo\")",
                    a -> a.getRawType().isEquivalentTo(io.quarkus.arc.profile.IfBuildProfile.class)
                            && "demo".equals(a.get("value").orElse(null))))
            .because("a demo bean or endpoint without @IfBuildProfile(\"demo\") would run in production");

    private static DescribedPredicate<JavaClass> isABeanOrEndpoint() {
        return describe("are CDI beans or JAX-RS endpoints",
                c -> c.isAnnotatedWith(jakarta.enterprise.context.ApplicationScoped.class)
                        || c.isAnnotatedWith(jakarta.inject.Singleton.class)
                        || c.isAnnotatedWith(jakarta.enterprise.context.RequestScoped.class)
                        || c.isAnnotatedWith(jakarta.enterprise.context.Dependent.class)
                        || c.isAnnotatedWith(jakarta.ws.rs.Path.class));
    }

    /**
     * Allowed to name an adapter's class: the adapter's own package (its classes and the CDI producer that
     * builds it), and, in the feature's root package, wiring only (a class with a {@code @Produces}
     * member). Everything else gets the port by injection.
     */
    private static ArchCondition<JavaClass> beReferencedOnlyFromTheirOwnAdapterOrTheirFeaturesWiring() {
        return new ArchCondition<>("be referenced only from their own adapter or their feature's wiring") {
            @Override
            public void check(JavaClass adapterClass, ConditionEvents events) {
                Matcher m = ADAPTER.matcher(adapterClass.getPackageName());
                if (!m.matches()) {
                    return;
                }
                String feature = "dk.samtale." + m.group(1);
                String adapter = feature + "." + m.group(2);
                for (Dependency d : adapterClass.getDirectDependenciesToSelf()) {
                    JavaClass origin = d.getOriginClass();
                    String pkg = origin.getPackageName();
                    boolean ownAdapter = pkg.equals(adapter) || pkg.startsWith(adapter + ".");
                    boolean featureWiring = pkg.equals(feature) && isWiring(origin);
                    if (!ownAdapter && !featureWiring) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean isWiring(JavaClass c) {
        return c.getMethods().stream().anyMatch(x -> x.isAnnotatedWith(jakarta.enterprise.inject.Produces.class))
                || c.getFields().stream().anyMatch(x -> x.isAnnotatedWith(jakarta.enterprise.inject.Produces.class));
    }
}

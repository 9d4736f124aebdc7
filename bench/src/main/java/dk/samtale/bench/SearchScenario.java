package dk.samtale.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inbox's search over sealed citizen names: {@code N} citizens each open a conversation in one
 * unit, then one caseworker asks, one request at a time, for the plain list (no search), a search that
 * hits one name, and one that hits none — each has to open all N names, since they are sealed.
 */
final class SearchScenario {

    static final Set<String> OPTIONS = Set.of("conversations", "queries", "repo", "service-jar", "out",
            "service-opts");

    private SearchScenario() {
    }

    static int run(Args args) throws Exception {
        int conversations = args.integer("conversations", 2000);
        int queries = args.integer("queries", 200);
        List<String> serviceOpts = args.words("service-opts", "-Xmx1g");
        if (conversations < 1 || conversations > 5000 || queries < 1 || queries > 10_000) {
            throw new Harness.Fail("options out of range (conversations 1..5000, queries 1..10000)");
        }
        Map<String, Object> result = Report.result("search", Map.of("conversations", conversations, "queries",
                queries));
        try (Harness h = new Harness("search", args)) {
            h.requireService();
            Map<String, Object> svc = h.startDatabaseAndService(serviceOpts, result);
            System.out.printf("search: %d conversations in one unit; service ready in %d ms%n", conversations,
                    svc.get("launchToReadyMs"));
            h.loadTestData();
            Identity id = h.identity();
            Rest rest = new Rest(h.base());
            List<String> tokens = Identity.signAll(conversations, i -> id.citizen(Identity.cpr(i)));
            Rest.parallel(conversations, 8, 900, i -> {
                Rest.Response r = rest.post(tokens.get(i), "/api/v1/conversations",
                        Map.of("unitId", Harness.UNIT_X, "subject", "Samtale " + i));
                if (r.status() != 201) {
                    throw new Harness.Fail("creating a conversation answered " + r.status() + ": " + r.body());
                }
                return r.body().path("id").asText();
            });
            String staff = id.staff("bench-search", "Bench Søger", "unit-x");
            // the name of citizen n is "Borger " + the last four digits of its CPR
            String hit = Identity.cpr(conversations / 2).substring(6);
            Map<String, String> kinds = new LinkedHashMap<>();
            kinds.put("list (no search), 50 newest", "/api/v1/conversations?view=all&limit=50");
            kinds.put("search: one name matches", "/api/v1/conversations?view=all&limit=50&q="
                    + URLEncoder.encode("borger " + hit, StandardCharsets.UTF_8));
            kinds.put("search: nothing matches", "/api/v1/conversations?view=all&limit=50&q=ingen-har-dette-navn");
            Report.Table t = new Report.Table("request", "results", "p50 ms", "p95 ms", "p99 ms", "max ms");
            Map<String, Object> runs = new LinkedHashMap<>();
            for (var k : kinds.entrySet()) {
                int results = -1;
                for (int i = 0; i < 20; i++) { // warm-up
                    results = check(rest.get(staff, k.getValue()));
                }
                Latency l = new Latency();
                for (int i = 0; i < queries; i++) {
                    long t0 = System.nanoTime();
                    Rest.Response r = rest.get(staff, k.getValue());
                    l.recordNanos(System.nanoTime() - t0);
                    check(r);
                }
                Map<String, Object> s = l.summary();
                s.put("results", results);
                runs.put(k.getKey(), s);
                t.row(k.getKey(), results, s.get("p50Ms"), s.get("p95Ms"), s.get("p99Ms"), s.get("maxMs"));
            }
            result.put("runs", runs);
            System.out.println();
            System.out.printf("search: %d conversations (sealed names) in the caseworker's unit, %d requests each,"
                    + " one at a time%n", conversations, queries);
            t.print();
            Report.write(h, "search", result);
        }
        return 0;
    }

    private static int check(Rest.Response r) {
        if (r.status() != 200) {
            throw new Harness.Fail("the list answered " + r.status() + ": " + r.body());
        }
        return r.body().path("items").size();
    }
}

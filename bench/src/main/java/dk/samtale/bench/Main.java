package dk.samtale.bench;

import java.util.Set;

/** {@code java -jar bench/target/samtale-bench.jar <scenario> [options]}; see bench/README.md. */
public final class Main {

    private static final String USAGE = """
            usage: java -jar bench/target/samtale-bench.jar <scenario> [--option value ...]
              (run from the repository root; the service must be packaged: ./mvnw -B package -DskipTests)

              chat      1. chat throughput and latency (+ the JDBC baseline on the same PostgreSQL)
                        --steps 250,500,1000,1500,2000,3000 --seconds 20 --pairs 200 --staff-mode per-pair|unit-x
                        --staff 4 (unit-x only) --warmup 5 --settle 5 --body-chars 300
                        --baseline-seconds 15 (0: skip) --baseline-clients 8,32
                        --channel-policy app|sms|app-then-sms (SMS outbox rows in the message statement)
              idle      2. idle authenticated sockets: service memory per socket, time to open
                        --levels 5000,10000,18000,20000 --workers N --concurrency 500 --settle 3
              storm     3. reconnect storm: drop, miss messages, resume at once
                        --clients 5000 --missed 3 --initial 2 --deadline 120 --max-attempts 5
              journal   4. journaling lag under the chat load, then pull throughput through the pull API
                        (chat options, defaults --steps 1000,2000 --seconds 20 --baseline-seconds 0)
                        --pull-limit 1000 --pull-passes 3
              baseline  5. PostgreSQL alone: message + outbox row per durable transaction over JDBC
                        --clients 8,32 --seconds 15 --warmup 2
              startup   service start-up on its own embedded PostgreSQL, idle RSS
  search    inbox search over sealed citizen names (staff), next to the plain list
            --conversations 2000 --queries 200
  crypto    encrypt + decrypt of one message body with the service's own Bouncy Castle adapter
            --seconds 5 --body-chars 300
  push      push fan-out (notifications/s to a fake FCM) and commit → FCM delay under chat load
            --citizens 1000 --grace-ms 3000 --load-rate 1000 --push-rate 50 --seconds 20 --load-pairs 100
            --rest-threads 16
  upload    attachments with clamd scanning: throughput for 1 MB and 10 MB files, service memory, and chat
            latency while uploads run  --sizes-kb 1000,10000 --files 10 --uploaders 4 --chat-rate 10
            --chat-seconds 10 --clamd /usr/sbin/clamd

            common: --repo . --service-jar target/quarkus-app/quarkus-run.jar --out bench/results
                    --service-opts "-Xmx1g" (JVM options of the service)
            """;

    private Main() {
    }

    public static void main(String[] argv) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("vertx.disableDnsResolver", "true");
        int code;
        try {
            code = run(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n\n" + USAGE);
            code = 2;
        } catch (Harness.Fail e) {
            System.err.println("error: " + e.getMessage());
            code = 1;
        } catch (Exception e) {
            System.err.println("error: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code); // shutdown hooks tear down whatever is still running
    }

    private static int run(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
            System.out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        return switch (argv[0]) {
            case "chat" -> new ChatScenario(Args.parse(argv, 1, ChatScenario.OPTIONS)).run();
            case "idle" -> new IdleScenario(Args.parse(argv, 1, IdleScenario.OPTIONS)).run();
            case "idle-worker" -> IdleWorker.run(Args.parse(argv, 1, IdleWorker.OPTIONS));
            case "storm" -> new StormScenario(Args.parse(argv, 1, StormScenario.OPTIONS)).run();
            case "journal" -> JournalScenario.run(Args.parse(argv, 1, JournalScenario.OPTIONS));
            case "baseline" -> SimpleScenarios.baseline(Args.parse(argv, 1, SimpleScenarios.BASELINE_OPTIONS));
            case "startup" -> SimpleScenarios.startup(Args.parse(argv, 1, SimpleScenarios.STARTUP_OPTIONS));
            case "search" -> SearchScenario.run(Args.parse(argv, 1, SearchScenario.OPTIONS));
            case "crypto" -> CryptoScenario.run(Args.parse(argv, 1, CryptoScenario.OPTIONS));
            case "push" -> new PushScenario(Args.parse(argv, 1, PushScenario.OPTIONS)).run();
            case "upload" -> UploadScenario.run(Args.parse(argv, 1, UploadScenario.OPTIONS));
            default -> throw new IllegalArgumentException("unknown scenario " + argv[0]);
        };
    }
}

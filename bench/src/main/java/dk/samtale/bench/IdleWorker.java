package dk.samtale.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A child JVM that holds idle citizen sockets for the idle scenario (one process may hold at most
 * 20,000 files, the service as many: the sockets' client ends live here). Reads one command per line
 * on stdin and answers one line on stdout; exits when stdin closes, so it never outlives the tool.
 *
 * <pre>
 * prepare N BASE  -> prepared N MILLIS        signs N citizen tokens, CPRs BASE..BASE+N-1 (not timed as opening)
 * open            -> opened OK FAILED MILLIS {errors}
 * status          -> status OPEN {close codes}
 * close           -> closed N
 * exit
 * </pre>
 */
final class IdleWorker {

    static final Set<String> OPTIONS = Set.of("port", "keys", "concurrency", "event-loops");

    private IdleWorker() {
    }

    static int run(Args args) throws Exception {
        int port = args.integer("port", 0);
        Identity id = Identity.load(Path.of(args.str("keys", "")));
        int concurrency = args.integer("concurrency", 500);
        int loops = args.integer("event-loops", 2);
        List<Sockets.Conn> all = new ArrayList<>();
        List<Sockets.Conn> conns = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        java.util.Map<Integer, Integer> closeCodes = new java.util.concurrent.ConcurrentHashMap<>();
        try (Sockets sockets = new Sockets(port, loops, loops * 2);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split("\\s+");
                switch (cmd[0]) {
                    case "prepare" -> {
                        int n = Integer.parseInt(cmd[1]);
                        long base = Long.parseLong(cmd[2]);
                        long t0 = System.nanoTime();
                        tokens = Identity.signAll(n, i -> id.citizen(Identity.cpr(base + i)));
                        conns = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            Sockets.Conn c = new Sockets.Conn(i);
                            c.onClose = () -> closeCodes.merge(c.closeCode, 1, Integer::sum);
                            conns.add(c);
                        }
                        answer("prepared " + n + " " + (System.nanoTime() - t0) / 1_000_000);
                    }
                    case "open" -> {
                        Sockets.Opened o = sockets.openAll(conns, tokens, concurrency, 30_000, 900);
                        all.addAll(conns);
                        conns = new ArrayList<>();
                        tokens = new ArrayList<>();
                        answer("opened " + o.ok() + " " + o.failed() + " " + o.millis() + " "
                                + Rest.JSON.writeValueAsString(o.errors()));
                    }
                    case "status" -> answer("status " + all.stream().filter(c -> c.open).count() + " "
                            + Rest.JSON.writeValueAsString(closeCodes));
                    case "close" -> {
                        int n = Sockets.closeAll(all, 60);
                        all.clear();
                        closeCodes.clear();
                        answer("closed " + n);
                    }
                    case "exit" -> {
                        return 0;
                    }
                    default -> answer("error unknown command " + cmd[0]);
                }
            }
        }
        return 0;
    }

    private static void answer(String s) {
        System.out.println(s);
        System.out.flush();
    }
}

package dk.samtale.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cost of encryption per message, measured on the service's own adapter: loads
 * {@code BouncyCastleMessageCipher} and Bouncy Castle from the packaged application and times seal
 * (what a send does) and open (what each delivery or history read does) of a realistic body on one
 * thread. A loop with warm-up, not JMH: the figure it gives is per message on one core.
 */
final class CryptoScenario {

    static final Set<String> OPTIONS = Set.of("repo", "seconds", "body-chars", "out");

    private CryptoScenario() {
    }

    static int run(Args args) throws Exception {
        try {
            return measure(args);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new Exception(t);
        }
    }

    private static int measure(Args args) throws Throwable {
        Path repo = Path.of(args.str("repo", "."));
        int seconds = args.integer("seconds", 5);
        int bodyChars = args.integer("body-chars", 300);
        if (seconds < 1 || seconds > 120 || bodyChars < 1 || bodyChars > 4000) {
            throw new Harness.Fail("options out of range (seconds 1..120, body-chars 1..4000)");
        }
        Path app = repo.resolve("target/quarkus-app");
        List<URL> jars = new ArrayList<>();
        for (Path dir : List.of(app.resolve("app"), app.resolve("lib/main"))) {
            if (!Files.isDirectory(dir)) {
                throw new Harness.Fail("no packaged service at " + app + ": run ./mvnw -B package -DskipTests first");
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.getFileName().toString().matches("(samtale-.*|org\\.bouncycastle\\..*)\\.jar"))
                        .toList()) {
                    jars.add(p.toUri().toURL());
                }
            }
        }
        ClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new), CryptoScenario.class.getClassLoader());
        Class<?> type = loader.loadClass("dk.samtale.crypto.bouncycastle.BouncyCastleMessageCipher");
        Object cipher = type.getDeclaredConstructor().newInstance();
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle seal = lookup.findVirtual(type, "seal",
                MethodType.methodType(byte[].class, byte[].class, int.class, byte[].class, byte[].class)).bindTo(cipher);
        MethodHandle open = lookup.findVirtual(type, "open",
                MethodType.methodType(byte[].class, byte[].class, byte[].class, byte[].class)).bindTo(cipher);
        byte[] key = (byte[]) lookup.findVirtual(type, "newKey", MethodType.methodType(byte[].class)).bindTo(cipher)
                .invoke();
        byte[] aad = "samtale/v1|00000000-0000-7000-8000-000000000001|message|01a20852-b9e3-7b90-800e-1149f535474a|body"
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = "Hej Mette, jeg har fået praktikpladsen hos Varde Cykler og starter på mandag. Æ ø å. ".repeat(8)
                        .substring(0, bodyChars).getBytes(StandardCharsets.UTF_8);

        System.out.printf("crypto: %s, AES-256-GCM + 96-bit nonce + AAD, %d-character body, %d s per measurement%n",
                type.getSimpleName(), bodyChars, seconds);
        measure(seal, open, key, aad, body, 2); // warm-up: JIT
        double[] sealOpen = measure(seal, open, key, aad, body, seconds);
        Report.Table t = new Report.Table("operation", "per op µs", "ops/s on one core");
        t.row("seal (send)", fmt(sealOpen[0]), String.format("%,.0f", 1e6 / sealOpen[0]));
        t.row("open (deliver/read)", fmt(sealOpen[1]), String.format("%,.0f", 1e6 / sealOpen[1]));
        t.row("seal + 2 opens (one chat message)", fmt(sealOpen[0] + 2 * sealOpen[1]),
                String.format("%,.0f", 1e6 / (sealOpen[0] + 2 * sealOpen[1])));
        t.print();

        Map<String, Object> result = Report.result("crypto", Map.of("seconds", seconds, "bodyChars", bodyChars));
        result.put("sealMicros", sealOpen[0]);
        result.put("openMicros", sealOpen[1]);
        result.put("perChatMessageMicros", sealOpen[0] + 2 * sealOpen[1]);
        Path out = Path.of(args.str("out", "bench/results"));
        Files.createDirectories(out);
        Path file = out.resolve("crypto-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + ".json");
        Files.writeString(file, Report.JSON.writeValueAsString(result));
        System.out.println("written " + file);
        return 0;
    }

    /** Mean µs per seal and per open over {@code seconds} each. */
    private static double[] measure(MethodHandle seal, MethodHandle open, byte[] key, byte[] aad, byte[] body,
            int seconds) throws Throwable {
        long n = 0;
        byte[] sealed = null;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        while (System.nanoTime() < deadline) {
            sealed = (byte[]) seal.invokeExact(key, 7, aad, body);
            n++;
        }
        double sealMicros = (System.nanoTime() - t0) / 1e3 / n;
        long m = 0;
        deadline = System.nanoTime() + seconds * 1_000_000_000L;
        t0 = System.nanoTime();
        int check = 0;
        while (System.nanoTime() < deadline) {
            check += ((byte[]) open.invokeExact(key, aad, sealed)).length;
            m++;
        }
        double openMicros = (System.nanoTime() - t0) / 1e3 / m;
        if (check != m * body.length) {
            throw new IllegalStateException("open returned the wrong length");
        }
        return new double[] { sealMicros, openMicros };
    }

    private static String fmt(double micros) {
        return String.format("%.2f", micros);
    }
}

package dk.samtale.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options; unknown names are an error, so a typo never runs the defaults. */
final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();

    static Args parse(String[] args, int from, Set<String> known) {
        Args a = new Args();
        for (int i = from; i < args.length; i++) {
            String s = args[i];
            if (!s.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + s);
            }
            String name = s.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " (known: --" + String.join(", --",
                        known.stream().sorted().toList()) + ")");
            }
            a.values.put(name, value);
        }
        return a;
    }

    String str(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int integer(String name, int def) {
        String v = values.get(name);
        return v == null ? def : Integer.parseInt(v.replace("_", ""));
    }

    double dbl(String name, double def) {
        String v = values.get(name);
        return v == null ? def : Double.parseDouble(v);
    }

    boolean flag(String name) {
        return "true".equals(values.get(name));
    }

    int[] ints(String name, String def) {
        return Arrays.stream(str(name, def).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(s -> Integer.parseInt(s.replace("_", ""))).toArray();
    }

    List<String> words(String name, String def) {
        String v = str(name, def);
        List<String> out = new ArrayList<>();
        for (String s : v.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Fills in defaults for options not given (a scenario that runs another with other defaults). */
    Args defaults(Map<String, String> defaults) {
        defaults.forEach(values::putIfAbsent);
        return this;
    }

    Map<String, String> all() {
        return values;
    }
}

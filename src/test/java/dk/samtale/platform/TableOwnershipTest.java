package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Features meet through events and ports, never through each other's tables: this fails when a
 * package's SQL names a table that another feature's migration created, unless the pair is in
 * {@link #READ_MODELS} with the reason it is a documented read model.
 *
 * <p>
 * Owners: a migration line {@code -- owner: <feature>} makes that feature the owner of the tables created
 * after it in the file; otherwise {@link #MIGRATION_OWNERS} (by migration version) or, for the first
 * migration, which created the shared core, {@link #CORE_OWNERS}. A table without an owner fails the test
 * (add the comment to your migration). SQL is found as uppercase keywords ({@code FROM}, {@code JOIN},
 * {@code INTO}, {@code UPDATE}, {@code TABLE}) followed by a known table name in a package's Java source.
 */
class TableOwnershipTest {

    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    private static final Path SOURCES = Path.of("src/main/java/dk/samtale");

    /** The first migration created the core of several features. */
    private static final Map<String, String> CORE_OWNERS = Map.of(
            "tenant", "identity", "unit", "identity", "staff_member", "identity", "citizen", "identity",
            "data_key", "crypto",
            "conversation", "conversation", "message", "conversation", "read_cursor", "conversation");

    /** Migrations of one feature each, by version (without an {@code -- owner:} line). */
    private static final Map<String, String> MIGRATION_OWNERS = Map.of(
            "2", "journal", "3", "push", "4", "sms", "5", "inbox", "9", "inbox");

    /**
     * The documented read models: (package, table) → why that package may name another feature's table.
     * "*" as package: every package. Keep it short; prefer an event, a port or a column on the event.
     */
    private static final Map<String, String> READ_MODELS = new TreeMap<>(Map.ofEntries(
            Map.entry("* tenant", "tenancy: every feature is scoped by its tenant (slug, name, settings columns "
                    + "a feature added to it, e.g. push_shows_unit_name)"),
            Map.entry("* unit", "tenancy: a conversation's unit (name for texts, membership for authorisation)"),
            Map.entry("platform conversation_event",
                    "platform.EventLog reads the conversation's event log for every consumer (the contract "
                            + "between the message path and journal, push, SMS); consumers never name it"),
            Map.entry("demo *", "the demo profile seeds every feature's tables (not in a prod build)"),
            Map.entry("crypto *", "re-encryption re-seals the sealed columns of every feature's tables"),
            Map.entry("journal message", "the journal entry is the message's record: body, sender, seq"),
            Map.entry("journal conversation", "the entry carries the case reference and subject of the "
                    + "conversation when it is made"),
            Map.entry("journal citizen", "the entry's party (CPR, name) is the conversation's citizen"),
            Map.entry("journal staff_member", "the entry's author name"),
            Map.entry("journal message_correction",
                    "a correction's entry, and the conversation document, carry its text and reason"),
            Map.entry("journal read_cursor",
                    "the conversation document shows each message's state (sent, delivered, read)"),
            Map.entry("push read_cursor", "whether the recipient side already has the message (delivered/read)"),
            Map.entry("push conversation", "the badge: unread messages of the owner's open conversations"),
            Map.entry("push message", "the badge: unread messages of the owner's open conversations"),
            Map.entry("sms read_cursor", "app-then-sms: whether the citizen's app has the message by now"),
            Map.entry("sms message", "the text of a message marked not sensitive; the citizen's last message"),
            Map.entry("sms conversation", "the current channel policy at send time; incoming SMS finds the "
                    + "citizen's conversation"),
            Map.entry("sms citizen", "incoming SMS: the citizen a verified number belongs to"),
            Map.entry("inbox conversation", "notes, office hours and search are about a conversation of the unit"),
            Map.entry("inbox staff_member", "a note's author name"),
            Map.entry("conversation staff_member", "a message's and an assignee's display name"),
            Map.entry("conversation citizen", "a message's and a conversation's citizen name"),
            Map.entry("records staff_member", "the access log names the employee behind an access (admins, the "
                    + "DPO; the citizen only where the tenant chose so)")));

    private static final Pattern CREATE = Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)");
    private static final Pattern OWNER = Pattern.compile("^--\\s*owner:\\s*([a-z]+)", Pattern.MULTILINE);
    private static final Pattern VERSION = Pattern.compile("^V(\\d+)__");
    private static final Pattern SQL = Pattern.compile("\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+([a-z_][a-z0-9_]*)");

    @Test
    void everyPackageNamesOnlyItsOwnTablesOrADocumentedReadModel() throws IOException {
        Map<String, String> owners = owners();
        Set<String> violations = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String feature = SOURCES.relativize(file).getName(0).toString();
                Matcher m = SQL.matcher(Files.readString(file));
                while (m.find()) {
                    String table = m.group(1);
                    String owner = owners.get(table);
                    if (owner == null || owner.equals(feature)) {
                        continue;
                    }
                    String allowed = allowance(feature, table);
                    if (allowed == null) {
                        violations.add(feature + " names " + table + " (owned by " + owner + ") in "
                                + SOURCES.relativize(file));
                    } else {
                        used.add(allowed);
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), "SQL naming another feature's table outside a documented read model:\n  "
                + String.join("\n  ", violations));
        Set<String> stale = new TreeSet<>(READ_MODELS.keySet());
        stale.removeAll(used);
        assertEquals(Set.of(), stale, "allowances no code needs any more: remove them");
    }

    @Test
    void theMessagePathsTablesHaveTheirOwners() throws IOException {
        Map<String, String> owners = owners();
        assertEquals("conversation", owners.get("conversation_event"));
        assertEquals("platform", owners.get("event_cursor"));
        assertEquals("push", owners.get("push_due"));
        assertEquals("sms", owners.get("sms_notice"));
        assertEquals("journal", owners.get("journal_entry"));
    }

    private static String allowance(String feature, String table) {
        for (String key : List.of(feature + " " + table, "* " + table, feature + " *")) {
            if (READ_MODELS.containsKey(key)) {
                return key;
            }
        }
        return null;
    }

    /** Table → owning feature, from the migrations. */
    static Map<String, String> owners() throws IOException {
        Map<String, String> owners = new TreeMap<>();
        List<String> unowned = new ArrayList<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                Matcher v = VERSION.matcher(name);
                String version = v.find() ? v.group(1) : "";
                String text = Files.readString(file);
                for (Matcher m = CREATE.matcher(text); m.find();) {
                    String table = m.group(1);
                    String owner = ownerBefore(text, m.start());
                    if (owner == null) {
                        owner = version.equals("1") ? CORE_OWNERS.get(table) : MIGRATION_OWNERS.get(version);
                    }
                    if (owner == null) {
                        unowned.add(table + " (" + name + ")");
                    } else {
                        owners.put(table, owner);
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertTrue(unowned.isEmpty(), "tables without an owner: put '-- owner: <feature>' before their CREATE TABLE: "
                + unowned);
        return owners;
    }

    private static String ownerBefore(String text, int at) {
        String owner = null;
        Matcher m = OWNER.matcher(text);
        while (m.find() && m.start() < at) {
            owner = m.group(1);
        }
        return owner;
    }
}

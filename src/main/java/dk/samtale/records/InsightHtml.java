package dk.samtale.records;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The insight report as one self-contained HTML document a citizen can read and save: no script, no external
 * resource, every value escaped; each section a heading and a table of its items (nested lists, such as a
 * conversation's messages, as tables inside), field names in Danish, times in Danish local time. Rendered
 * from the same JSON the API serves, so the two cannot say different things.
 */
@ApplicationScoped
class InsightHtml {

    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'";
    private static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d.M.yyyy 'kl.' HH.mm.ss").withZone(ZONE);

    /** Field names as a Danish reader knows them; others are shown as their name. */
    private static final Map<String, String> LABELS = Map.ofEntries(Map.entry("cpr", "CPR-nummer"),
            Map.entry("name", "Navn"), Map.entry("registeredAt", "Registreret"), Map.entry("id", "Id"),
            Map.entry("unitId", "Enhed (id)"), Map.entry("unitName", "Enhed"), Map.entry("subject", "Emne"),
            Map.entry("status", "Status"), Map.entry("caseNumber", "Sagsnummer"), Map.entry("kleClass", "KLE-nummer"),
            Map.entry("actionFacet", "Handlingsfacet"), Map.entry("channelPolicy", "Kanal"),
            Map.entry("createdAt", "Oprettet"), Map.entry("updatedAt", "Ændret"),
            Map.entry("readUpToSeq", "Læst til og med besked nr."),
            Map.entry("deliveredUpToSeq", "Modtaget til og med besked nr."), Map.entry("history", "Forløb"),
            Map.entry("messages", "Beskeder"), Map.entry("seq", "Nr."), Map.entry("senderKind", "Afsender (type)"),
            Map.entry("senderName", "Afsender"), Map.entry("body", "Tekst"), Map.entry("bodyError", "Kan ikke læses"),
            Map.entry("channel", "Kanal"), Map.entry("retractedAt", "Trukket tilbage"),
            Map.entry("correction", "Rettelse"), Map.entry("attachments", "Filer"), Map.entry("fileName", "Filnavn"),
            Map.entry("mediaType", "Filtype"), Map.entry("size", "Størrelse (bytes)"),
            Map.entry("sizeBytes", "Størrelse (bytes)"), Map.entry("sha256", "SHA-256"), Map.entry("state", "Tilstand"),
            Map.entry("uploadedBy", "Sendt af"), Map.entry("uploadedAt", "Sendt"), Map.entry("href", "Hent"),
            Map.entry("conversationId", "Samtale (id)"), Map.entry("messageId", "Besked (id)"),
            Map.entry("platform", "Platform"), Map.entry("appVersion", "App-version"), Map.entry("locale", "Sprog"),
            Map.entry("lastSeenAt", "Sidst set"), Map.entry("side", "Modtager"), Map.entry("reason", "Årsag"),
            Map.entry("at", "Tidspunkt"), Map.entry("number", "Telefonnummer"), Map.entry("verifiedAt", "Bekræftet"),
            Map.entry("verifiedBy", "Bekræftet af (id)"), Map.entry("optedOutAt", "Frameldt (STOP)"),
            Map.entry("received", "Modtagne SMS"), Map.entry("receivedAt", "Modtaget"), Map.entry("outcome", "Udfald"),
            Map.entry("text", "Tekst"), Map.entry("kind", "Art"), Map.entry("segments", "SMS-dele"),
            Map.entry("sentAt", "Sendt"), Map.entry("entryId", "Journalpost (id)"), Map.entry("position", "Løbenummer"),
            Map.entry("documentType", "Dokumenttype"), Map.entry("direction", "Retning"),
            Map.entry("journaledAt", "Journaliseret"), Map.entry("acknowledged", "Kvitteret af sagssystemet"),
            Map.entry("delivery", "Levering"), Map.entry("conversationDocumentOf", "Samtaledokument for"),
            Map.entry("authorName", "Skrevet af"), Map.entry("textWithheld", "Tekst udeladt"),
            Map.entry("action", "Handling"), Map.entry("targetType", "Om"), Map.entry("targetId", "Om (id)"),
            Map.entry("actorKind", "Udført af (type)"), Map.entry("purpose", "Formål"),
            Map.entry("accessorKind", "Hvem (type)"), Map.entry("staffId", "Medarbejder (id)"),
            Map.entry("staffName", "Medarbejder"), Map.entry("client", "System"), Map.entry("gatewayId", "SMS-id"),
            Map.entry("version", "Version"), Map.entry("correctedAt", "Rettet"),
            Map.entry("originalBody", "Oprindelig tekst"),
            Map.entry("hasThumbnail", "Miniature"));

    private final ObjectMapper json;

    InsightHtml(ObjectMapper json) {
        this.json = json;
    }

    String render(InsightReport report) {
        JsonNode r = json.valueToTree(report);
        StringBuilder out = new StringBuilder(16 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Indsigt i dine oplysninger – ").append(esc(report.municipality())).append("</title>")
                .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#111}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}")
                .append("th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}")
                .append("th{background:#eee}dt{font-weight:bold}h2{margin-top:2em}")
                .append(".empty{color:#555;font-style:italic}</style></head><body>\n");
        out.append("<h1>Indsigt i dine oplysninger</h1>\n<p>Det har ").append(esc(report.municipality()))
                .append(" registreret om dig i Samtale, den sikre beskedtjeneste, pr. ")
                .append(esc(TIME.format(report.generatedAt())))
                .append(" (databeskyttelsesforordningens artikel 15). Dine sager i kommunens sagssystem ")
                .append("er ikke med her; spørg kommunen om dem.</p>\n");
        if ("dpo".equals(report.audience())) {
            out.append("<p><strong>Udarbejdet af databeskyttelsesrådgiveren.</strong> Rapporten indeholder ")
                    .append("medarbejdernes notater og navne; vurder undtagelser (databeskyttelseslovens § 22) ")
                    .append("før den sendes.</p>\n");
        }
        out.append("<ul>");
        r.path("sections").fields().forEachRemaining(e -> out.append("<li><a href=\"#").append(esc(e.getKey()))
                .append("\">").append(esc(e.getValue().path("title").asText())).append("</a></li>"));
        out.append("</ul>\n");
        r.path("sections").fields().forEachRemaining(e -> {
            out.append("<section id=\"").append(esc(e.getKey())).append("\"><h2>")
                    .append(esc(e.getValue().path("title").asText())).append("</h2>\n");
            table(out, e.getValue().path("items"));
            out.append("</section>\n");
        });
        out.append("</body></html>\n");
        return out.toString();
    }

    /** An array of objects as a table (columns: every field any item has), anything else as a value. */
    private static void table(StringBuilder out, JsonNode items) {
        if (!items.isArray() || items.isEmpty()) {
            out.append("<p class=\"empty\">Ingen oplysninger.</p>\n");
            return;
        }
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode item : items) {
            item.fieldNames().forEachRemaining(columns::add);
        }
        if (columns.isEmpty()) {
            List<String> values = new ArrayList<>();
            items.forEach(v -> values.add(text(v)));
            out.append(esc(String.join(", ", values)));
            return;
        }
        out.append("<table><thead><tr>");
        for (String c : columns) {
            out.append("<th>").append(esc(label(c))).append("</th>");
        }
        out.append("</tr></thead><tbody>\n");
        for (JsonNode item : items) {
            out.append("<tr>");
            for (String c : columns) {
                out.append("<td>");
                value(out, item.get(c));
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody></table>\n");
    }

    private static void value(StringBuilder out, JsonNode v) {
        if (v == null || v.isNull()) {
            return;
        }
        if (v.isArray()) {
            table(out, v);
        } else if (v.isObject()) {
            out.append("<dl>");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
                var e = it.next();
                out.append("<dt>").append(esc(label(e.getKey()))).append("</dt><dd>");
                value(out, e.getValue());
                out.append("</dd>");
            }
            out.append("</dl>");
        } else {
            out.append(esc(text(v)).replace("\n", "<br>"));
        }
    }

    private static String text(JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean() ? "ja" : "nej";
        }
        String s = v.asText();
        if (v.isTextual() && s.length() >= 20 && s.charAt(4) == '-' && s.charAt(10) == 'T' && s.endsWith("Z")) {
            try {
                return TIME.format(Instant.parse(s));
            } catch (DateTimeParseException e) {
                return s;
            }
        }
        return s;
    }

    private static String label(String field) {
        return LABELS.getOrDefault(field, field);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}

package dk.samtale.kle;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads KL's KLE XML files as KL publishes them: {@code KLE-Emneplan} (Hovedgruppe → Gruppe → Emne, each
 * with its {@code …Nr} and {@code …Titel}, retirement in {@code …AdministrativInfo/Historisk/UdgaaetDato})
 * and {@code KLE-Handlingsfacetter} (HandlingsfacetKategori → Handlingsfacet with {@code HandlingsfacetNr}
 * and {@code HandlingsfacetTitel}), both with {@code UdgivelsesDato}. Streamed (the subject plan is
 * several megabytes); DTDs and external entities are refused (XXE).
 */
final class KleXml {

    static final String EMNEPLAN = "emneplan";
    static final String FACETS = "handlingsfacetter";

    record Parsed(String part, String published, List<KleCatalogue.Entry> entries) {
    }

    /** Element → kind of entry; kind → the form its number must have. */
    private static final Map<String, String> KINDS = Map.of("Hovedgruppe", "main", "Gruppe", "group", "Emne",
            "subject", "Handlingsfacet", "facet");
    private static final Map<String, Pattern> NUMBERS = Map.of("main", Pattern.compile("\\d{2}"), "group",
            Pattern.compile("\\d{2}\\.\\d{2}"), "subject", Pattern.compile("\\d{2}\\.\\d{2}\\.\\d{2}"), "facet",
            Pattern.compile("[A-Z]\\d{2}"));

    private KleXml() {
    }

    private static final class Open {
        final String element;
        final String kind;
        String number;
        String title;
        boolean retired;

        Open(String element, String kind) {
            this.element = element;
            this.kind = kind;
        }
    }

    static Parsed parse(InputStream in, LocalDate today) throws IOException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        try {
            XMLStreamReader r = f.createXMLStreamReader(in);
            String part = null;
            String published = null;
            List<KleCatalogue.Entry> entries = new ArrayList<>();
            Deque<Open> open = new ArrayDeque<>();
            Deque<String> path = new ArrayDeque<>();
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    String name = r.getLocalName();
                    if (part == null) {
                        part = switch (name) {
                            case "KLE-Emneplan" -> EMNEPLAN;
                            case "KLE-Handlingsfacetter" -> FACETS;
                            default -> throw new IllegalArgumentException(
                                    "not a KLE-Emneplan or KLE-Handlingsfacetter document (root " + name + ")");
                        };
                    }
                    path.push(name);
                    String kind = KINDS.get(name);
                    if (kind != null) {
                        open.push(new Open(name, kind));
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    String name = r.getLocalName();
                    path.pop();
                    if (!open.isEmpty() && name.equals(open.peek().element)) {
                        Open o = open.pop();
                        if (o.number != null) {
                            if (!NUMBERS.get(o.kind).matcher(o.number).matches()) {
                                throw new IllegalArgumentException("unexpected KLE number " + o.number);
                            }
                            entries.add(new KleCatalogue.Entry(o.number, o.title == null ? "" : o.title, o.kind,
                                    o.retired));
                        }
                    }
                }
                if (ev == XMLStreamConstants.START_ELEMENT && isText(r.getLocalName())) {
                    String name = r.getLocalName();
                    String text = r.getElementText().strip(); // moves to END_ELEMENT of this element
                    path.pop();
                    if (name.equals("UdgivelsesDato") && path.size() == 1) {
                        published = text;
                    } else if (!open.isEmpty()) {
                        Open o = open.peek();
                        if (name.equals(o.element + "Nr")) {
                            o.number = text;
                        } else if (name.equals(o.element + "Titel")) {
                            o.title = text;
                        } else if (name.equals("UdgaaetDato") && retiredBy(text, today)) {
                            o.retired = true;
                        }
                    }
                }
            }
            if (part == null) {
                throw new IllegalArgumentException("empty document");
            }
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("no KLE entries found");
            }
            return new Parsed(part, published, entries);
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("not well-formed XML (or a DTD, which is refused)");
        }
    }

    private static boolean isText(String name) {
        return name.endsWith("Nr") || name.endsWith("Titel") || name.equals("UdgaaetDato")
                || name.equals("UdgivelsesDato");
    }

    private static boolean retiredBy(String date, LocalDate today) {
        try {
            return !LocalDate.parse(date.length() > 10 ? date.substring(0, 10) : date).isAfter(today);
        } catch (DateTimeParseException e) {
            return true; // a retirement we cannot date counts as retired
        }
    }
}

package dk.samtale.journal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Offline verification for a case system or an auditor, without trusting the running service:
 *
 * <pre>
 * java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" dk.samtale.journal.VerifyJournal \
 *     signing-key.pem page1.json [page2.json ...]
 * </pre>
 *
 * Each file is a pull-feed page ({@code {"items": [...]}}) or an array of items. The items are sorted by
 * position and walked from the first one (whose previousHash is taken as given unless it is position 1,
 * where it must be 64 zeros). Redacted entries (a deleted conversation's: no payload) pass when their signed
 * header (version 2) or the next entry (version 1) vouches for them, see {@link ChainVerifier}. Exit code
 * 0: intact; 1: broken (the first broken link is printed); 2: usage.
 */
public final class VerifyJournal {

    private VerifyJournal() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: VerifyJournal <signing-key.pem> <feed-page.json>...");
            System.exit(2);
        }
        List<Path> pages = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            pages.add(Path.of(args[i]));
        }
        System.exit(verify(Files.readString(Path.of(args[0])), pages, System.out));
    }

    /** 0 when the entries in these pages are intact, 1 at the first broken link (printed). */
    static int verify(String publicKeyPem, List<Path> pages, PrintStream out) throws IOException {
        var key = Jws.publicKey(publicKeyPem);
        ObjectMapper json = new ObjectMapper();
        List<FeedItem> items = new ArrayList<>();
        for (Path page : pages) {
            JsonNode root = json.readTree(page.toFile());
            JsonNode list = root.isArray() ? root : root.path("items");
            for (JsonNode n : list) {
                items.add(JournalCodec.item(n.toString()));
            }
        }
        if (items.isEmpty()) {
            out.println("no entries");
            return 0;
        }
        items.sort(Comparator.comparingLong(FeedItem::position));
        FeedItem first = items.get(0);
        String previous = first.position() == 1 ? ChainVerifier.GENESIS : first.previousHash();
        ChainVerifier verifier = new ChainVerifier(key, first.position(), previous);
        for (FeedItem item : items) {
            long expected = verifier.expectedPosition();
            String broken = verifier.check(item);
            if (broken != null) {
                out.println("BROKEN at position " + expected + ": " + broken);
                return 1;
            }
        }
        out.println("OK: positions " + first.position() + " to " + items.get(items.size() - 1).position() + " ("
                + items.size() + " entries, " + verifier.redacted()
                + " of them redacted) are intact, linked and signed by this key");
        if (verifier.unvouched() != null) {
            // a redacted version 1 entry is proven by the next entry's signed previousHash: none came after it
            out.println("NOTE: position " + verifier.unvouched() + " is a redacted version 1 entry; include the page"
                    + " with the next entry to prove its hash");
        }
        return 0;
    }
}

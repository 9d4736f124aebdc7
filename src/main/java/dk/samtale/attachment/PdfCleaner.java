package dk.samtale.attachment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;

/**
 * Cleans a PDF with PDFBox: removes the document information (author, creator, dates …) and every XMP
 * metadata stream, and neutralises active content wherever it sits in the object graph — JavaScript
 * (document-level name tree, actions), launch, import, submit and rendition actions, additional-actions
 * ({@code /AA}) of the document, pages, fields and annotations, XFA forms, embedded files and file
 * attachment annotations. Links to pages and web addresses stay. A PDF that needs a password to open
 * cannot be cleaned and is refused. The document is read from and written to files, with PDFBox's
 * scratch data in temporary files, not the heap.
 */
final class PdfCleaner {

    /** Action types that run something or send something somewhere. */
    private static final Set<String> ACTIVE = Set.of("JavaScript", "Launch", "ImportData", "SubmitForm",
            "Rendition", "Movie", "Sound", "GoToE", "RichMediaExecute", "SetOCGState", "Hide", "ResetForm");

    /** What was done, for the record. */
    record Result(int activeContentRemoved) {
    }

    /** The file is not a PDF we can open (damaged, or encrypted with a user password). */
    static final class Unreadable extends IOException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private PdfCleaner() {
    }

    static Result clean(Path in, Path out) throws IOException {
        PDDocument doc;
        try {
            doc = Loader.loadPDF(in.toFile(), "", IOUtils.createTempFileOnlyStreamCache());
        } catch (InvalidPasswordException e) {
            throw new Unreadable("the PDF needs a password", e);
        } catch (IOException e) {
            throw new Unreadable("the PDF cannot be read", e);
        }
        try (doc) {
            // owner-password-only encryption opens with "" and is removed, so the saved copy is plain
            doc.setAllSecurityToBeRemoved(true);
            doc.setDocumentInformation(new PDDocumentInformation());
            int removed = sweep(doc.getDocument().getTrailer());
            doc.getDocumentCatalog().getCOSObject().removeItem(COSName.METADATA);
            doc.save(out.toFile());
            return new Result(removed);
        }
    }

    /** Walks every object reachable from the trailer once and removes active content and metadata. */
    private static int sweep(COSDictionary trailer) {
        int removed = 0;
        Set<COSBase> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<COSBase> todo = new ArrayDeque<>();
        todo.push(trailer);
        while (!todo.isEmpty()) {
            COSBase base = todo.pop();
            if (base instanceof COSObject o) {
                base = o.getObject();
            }
            if (base == null || !seen.add(base)) {
                continue;
            }
            if (base instanceof COSDictionary d) {
                removed += neutralise(d);
                for (COSBase v : d.getValues()) {
                    todo.push(v);
                }
            } else if (base instanceof COSArray a) {
                for (int i = a.size() - 1; i >= 0; i--) {
                    COSBase v = a.get(i);
                    COSBase target = v instanceof COSObject o ? o.getObject() : v;
                    if (target instanceof COSDictionary d && isFileAttachment(d)) {
                        a.remove(i);
                        removed++;
                        continue;
                    }
                    todo.push(v);
                }
            }
        }
        return removed;
    }

    private static int neutralise(COSDictionary d) {
        int removed = 0;
        for (COSName key : List.of(COSName.AA, COSName.JAVA_SCRIPT, COSName.JS, COSName.EMBEDDED_FILES,
                COSName.getPDFName("XFA"), COSName.getPDFName("RichMediaContent"))) {
            if (d.containsKey(key)) {
                d.removeItem(key);
                removed++;
            }
        }
        // metadata streams of pages, images, fonts …; the catalog's is removed by the caller
        if (d.containsKey(COSName.METADATA)) {
            d.removeItem(COSName.METADATA);
        }
        String s = d.getNameAsString(COSName.S);
        if (s != null && ACTIVE.contains(s)) {
            // an action that runs or sends something becomes an empty, harmless dictionary
            for (COSName key : List.copyOf(d.keySet())) {
                d.removeItem(key);
            }
            removed++;
        }
        for (COSName key : List.of(COSName.OPEN_ACTION, COSName.A, COSName.NEXT)) {
            COSBase v = d.getDictionaryObject(key);
            if (v instanceof COSDictionary action && isActive(action)) {
                d.removeItem(key);
                removed++;
            }
        }
        return removed;
    }

    private static boolean isActive(COSDictionary action) {
        String s = action.getNameAsString(COSName.S);
        return s != null && ACTIVE.contains(s);
    }

    private static boolean isFileAttachment(COSDictionary d) {
        return COSName.getPDFName("FileAttachment").equals(d.getCOSName(COSName.SUBTYPE));
    }
}

package dk.samtale.attachment;

import java.util.List;
import java.util.Locale;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;

/**
 * The problems an attachment can be refused with. Their {@code detail} is Danish and written for the
 * person who tried to send the file, so an app can show it as it is; clients branch on the code.
 */
final class Refusals {

    private Refusals() {
    }

    static ProblemException typeNotAllowed(List<String> allowed) {
        boolean defaults = allowed.stream().allMatch(t -> t.startsWith("image/") || t.equals("application/pdf"));
        return new ProblemException(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED, defaults
                ? "Filtypen kan ikke sendes – send et billede eller en PDF"
                : "Filtypen kan ikke sendes");
    }

    static ProblemException typeMismatch() {
        return new ProblemException(ErrorCode.ATTACHMENT_TYPE_MISMATCH,
                "Filens navn eller type passer ikke til indholdet – filen kan ikke sendes");
    }

    static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(ErrorCode.ATTACHMENT_TOO_LARGE,
                "Filen er for stor – den må højst fylde " + megabytes(maxBytes));
    }

    static ProblemException infected() {
        return new ProblemException(ErrorCode.ATTACHMENT_INFECTED,
                "Filen indeholder skadelig kode og kan ikke sendes");
    }

    static ProblemException unreadable() {
        return new ProblemException(ErrorCode.ATTACHMENT_UNREADABLE,
                "Filen kan ikke åbnes (den er beskadiget eller beskyttet med adgangskode) og kan ikke sendes");
    }

    static ProblemException pending() {
        return new ProblemException(ErrorCode.ATTACHMENT_PENDING, "Filen bliver stadig tjekket – prøv igen om lidt",
                List.of(), 10);
    }

    static ProblemException notUsable() {
        return new ProblemException(ErrorCode.ATTACHMENT_NOT_USABLE,
                "En af de vedhæftede filer kan ikke sendes med denne besked – vedhæft den igen");
    }

    static ProblemException tooMany(int max) {
        return new ProblemException(ErrorCode.ATTACHMENTS_TOO_MANY, "Der kan højst sendes " + max
                + " filer i én besked");
    }

    static ProblemException messageTooLarge(long maxBytes) {
        return new ProblemException(ErrorCode.ATTACHMENTS_TOO_LARGE,
                "Filerne fylder for meget tilsammen – højst " + megabytes(maxBytes) + " pr. besked");
    }

    static String megabytes(long bytes) {
        double mb = bytes / (1024.0 * 1024.0);
        return (mb == Math.rint(mb)
                ? String.valueOf((long) mb)
                : String.format(Locale.ROOT, "%.1f", mb)
                        .replace('.', ','))
                + " MB";
    }
}

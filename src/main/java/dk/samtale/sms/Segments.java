package dk.samtale.sms;

/**
 * How many SMS segments a text costs. Texts of only GSM 03.38 characters (which include the Danish
 * æøåÆØÅ) go as 7-bit: 160 septets in one SMS, 153 per part when concatenated; characters of the
 * extension table ({@code ^{}\[~]|€} and form feed) take two septets. Anything else makes the whole
 * text UCS-2: 70 UTF-16 units in one SMS, 67 per part.
 */
public final class Segments {

    /** GSM 03.38 default alphabet (without the escape character). */
    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** GSM 03.38 extension table: each costs an escape plus the character. */
    private static final String EXTENSION = "\f^{}\\[~]|€";

    public enum Encoding {
        GSM7, UCS2
    }

    /** The encoding, the length in its units (septets or UTF-16 units) and the segments. */
    public record Count(Encoding encoding, int units, int segments) {
    }

    private Segments() {
    }

    public static Count count(String text) {
        int septets = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (BASIC.indexOf(ch) >= 0) {
                septets++;
            } else if (EXTENSION.indexOf(ch) >= 0) {
                septets += 2;
            } else {
                int units = text.length();
                return new Count(Encoding.UCS2, units, units <= 70 ? 1 : (units + 66) / 67);
            }
        }
        return new Count(Encoding.GSM7, septets, septets <= 160 ? 1 : (septets + 152) / 153);
    }
}

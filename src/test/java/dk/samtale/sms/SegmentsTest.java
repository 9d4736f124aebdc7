package dk.samtale.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dk.samtale.platform.ProblemException;

/** Segment counting (GSM 03.38 with its extension table vs UCS-2) and phone number parsing. */
class SegmentsTest {

    @Test
    void danishLettersAreGsm() {
        var c = Segments.count("æøåÆØÅ".repeat(26) + "éü@£"); // 160 characters
        assertEquals(new Segments.Count(Segments.Encoding.GSM7, 160, 1), c);
        assertEquals(new Segments.Count(Segments.Encoding.GSM7, 161, 2), Segments.count("æ".repeat(161)));
        assertEquals(3, Segments.count("a".repeat(307)).segments()); // 153 per part
    }

    @Test
    void extensionCharactersCostTwoSeptets() {
        assertEquals(new Segments.Count(Segments.Encoding.GSM7, 160, 1), Segments.count("€".repeat(80)));
        assertEquals(2, Segments.count("€".repeat(80) + "a").segments());
        assertEquals(4, Segments.count("{}").units());
    }

    @Test
    void anythingElseMakesTheWholeTextUcs2() {
        assertEquals(new Segments.Count(Segments.Encoding.UCS2, 70, 1), Segments.count("–" + "a".repeat(69)));
        assertEquals(2, Segments.count("–" + "a".repeat(70)).segments());
        assertEquals(2, Segments.count("\uD83D\uDE00".repeat(67)).segments()); // 134 UTF-16 units, 67 per part
        assertEquals(3, Segments.count("\uD83D\uDE00".repeat(67) + "a").segments());
    }

    @Test
    void noticesUsePlainDashes() {
        assertEquals(Segments.Encoding.GSM7, Segments.count(NoticeText.notice("Jobcenter – Team Ung")).encoding());
    }

    @Test
    void phoneNumbersAreE164() {
        assertEquals("+4512345678", PhoneNumber.parse("12 34 56 78").e164());
        assertEquals("+4512345678", PhoneNumber.parse("0045 12345678").e164());
        assertEquals("+4512345678", PhoneNumber.parse("4512345678").e164());
        assertEquals("4512345678", PhoneNumber.parse("+45 12 34 56 78").msisdn());
        assertThrows(ProblemException.class, () -> PhoneNumber.parse("12"));
        assertThrows(ProblemException.class, () -> PhoneNumber.parse("+45abc"));
    }
}

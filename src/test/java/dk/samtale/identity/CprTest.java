package dk.samtale.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CprTest {

    @ParameterizedTest(name = "{0} is born {1}")
    @CsvSource({
            // 7th digit 0-3: always the 1900s
            "0101000000, 1900-01-01", "3112993999, 1999-12-31", "1506361234, 1936-06-15", "1506372234, 1937-06-15",
            // 4 and 9: 2000s up to YY 36, else the 1900s
            "0101364000, 2036-01-01", "0101374000, 1937-01-01", "0101009000, 2000-01-01", "0101369000, 2036-01-01",
            "0101379000, 1937-01-01", "3112999999, 1999-12-31",
            // 5 to 8: 2000s up to YY 57, else the 1800s
            "0101575000, 2057-01-01", "0101585000, 1858-01-01", "0101008000, 2000-01-01", "0101578000, 2057-01-01",
            "0101996000, 1899-01-01", "0101137000, 2013-01-01",
            // a leap day, and a number after 2007 that fails the old modulus-11 check (it is not checked)
            "2902084000, 2008-02-29", "0101134001, 2013-01-01"})
    void bornOnTheDateAndCenturyTheSeventhDigitGives(String cpr, String born) {
        assertEquals(LocalDate.parse(born), Cpr.birthDate(cpr));
    }

    @ParameterizedTest
    @CsvSource({"2222020000", "3002084000", "2902014000", "0013001234", "12345", "01010112345", "010101-1234",
            "abcdefghij"})
    void hasNoBirthDateWhenTheNumberHoldsNoDate(String cpr) {
        assertNull(Cpr.birthDate(cpr));
    }

    @Test
    void countsAgeInWholeYearsTurningOnTheBirthday() {
        LocalDate born = Cpr.birthDate("1506104000"); // 15 June 2010
        assertEquals(12, Cpr.age(born, LocalDate.parse("2023-06-14")));
        assertEquals(13, Cpr.age(born, LocalDate.parse("2023-06-15")));
        assertEquals(17, Cpr.age(born, LocalDate.parse("2028-06-14")));
        assertEquals(18, Cpr.age(born, LocalDate.parse("2028-06-15")));
    }

    @Test
    void aLeapDayChildComesOfAgeOnTheFirstOfMarchInACommonYear() {
        LocalDate born = Cpr.birthDate("2902084000");
        assertEquals(LocalDate.parse("2026-03-01"), Cpr.adultOn(born));
        assertEquals(17, Cpr.age(born, LocalDate.parse("2026-02-28")));
        assertEquals(18, Cpr.age(born, LocalDate.parse("2026-03-01")));
    }
}

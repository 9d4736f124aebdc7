package dk.samtale.identity;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;

/**
 * Date of birth and age from a Danish CPR number (DDMMYYSSSS): the first six digits are the day, month
 * and two-digit year; the seventh digit gives the century (the CPR office's table):
 * <ul>
 * <li>0–3: 1900–1999;</li>
 * <li>4 and 9: 2000–2036 when YY ≤ 36, else 1937–1999;</li>
 * <li>5–8: 2000–2057 when YY ≤ 57, else 1858–1899.</li>
 * </ul>
 * No modulus-11 check: numbers issued since 2007 need not satisfy it. Nothing here is stored: callers
 * derive the date when they need it (at sign-in from the verified token, or from the sealed CPR) and keep
 * it in memory only.
 */
public final class Cpr {

    /** Birthdays turn at midnight in Denmark, whatever the server's zone. */
    public static final ZoneId DENMARK = ZoneId.of("Europe/Copenhagen");

    /** The age of majority: guardianship (forældremyndighed) ends on the 18th birthday. */
    public static final int ADULT = 18;

    private Cpr() {
    }

    /** The date of birth, or null when the number is not ten digits holding a real date. */
    public static LocalDate birthDate(String cpr) {
        if (cpr == null || cpr.length() != 10 || !cpr.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int day = Integer.parseInt(cpr.substring(0, 2));
        int month = Integer.parseInt(cpr.substring(2, 4));
        int yy = Integer.parseInt(cpr.substring(4, 6));
        int century = switch (cpr.charAt(6)) {
            case '0', '1', '2', '3' -> 1900;
            case '4', '9' -> yy <= 36 ? 2000 : 1900;
            default -> yy <= 57 ? 2000 : 1800; // 5-8
        };
        try {
            return LocalDate.of(century + yy, month, day);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Whole years from birth to {@code today} (the age turns on the birthday; a leap-day child's on 1 March). */
    public static int age(LocalDate born, LocalDate today) {
        return Period.between(born, today).getYears();
    }

    /** The day the person turns 18 (1 March for a leap-day child in a common year). */
    public static LocalDate adultOn(LocalDate born) {
        LocalDate d = born.plusYears(ADULT);
        // plusYears clamps 29 February to the 28th; Danish practice counts the birthday as 1 March
        return born.getMonthValue() == 2 && born.getDayOfMonth() == 29 && d.getDayOfMonth() == 28 ? d.plusDays(1) : d;
    }
}

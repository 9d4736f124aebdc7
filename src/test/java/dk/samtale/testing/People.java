package dk.samtale.testing;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dk.samtale.identity.Cpr;

/** Citizens of a given age for the tests of children and guardians (issue 20): CPR numbers and lookups. */
public final class People {

    private People() {
    }

    /** A fresh CPR number of someone who is {@code years} old today (birthday {@code daysAgo} days past). */
    public static String cprOfAge(int years, int daysAgo) {
        return cprBornOn(LocalDate.now(Cpr.DENMARK).minusYears(years).minusDays(daysAgo));
    }

    /** A fresh CPR number of someone born on that day (1937-2036), with the century digit the table wants. */
    public static String cprBornOn(LocalDate born) {
        char century = born.getYear() >= 2000 ? '4' : '0';
        String serial = String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        String cpr = born.format(DateTimeFormatter.ofPattern("ddMMyy")) + century + serial;
        if (!born.equals(Cpr.birthDate(cpr))) {
            throw new IllegalArgumentException("no CPR for " + born);
        }
        return cpr;
    }

    /**
     * A fresh CPR number of an adult (born 1940-1999: seventh digit 0-3), for tests that need any citizen: a
     * random ten digits may be a child's number, and children meet the units' age rules (issue 20).
     */
    public static String adultCpr() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        LocalDate born = LocalDate.of(1940 + r.nextInt(60), 1, 1).plusDays(r.nextInt(365));
        return born.format(DateTimeFormatter.ofPattern("ddMMyy")) + r.nextInt(4)
                + String.format("%03d", r.nextInt(1000));
    }

    /** The citizen's id, found (or registered) by a caseworker's CPR lookup. */
    public static String lookUp(String staffToken, String cpr) {
        return Api.as(staffToken).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then().statusCode(200)
                .extract().path("id");
    }
}

package dk.samtale.sms;

import java.util.regex.Pattern;

import dk.samtale.platform.ProblemException;

/**
 * A mobile number in E.164 ({@code +4512345678}). Eight digits without a country code are taken as
 * Danish; the gateway's MSISDN form (digits with the country code, no plus) is accepted too.
 */
public record PhoneNumber(String e164) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    public PhoneNumber {
        if (e164 == null || !E164.matcher(e164).matches()) {
            throw ProblemException.invalid("phone", "must be a mobile number in E.164 form, e.g. +4512345678");
        }
    }

    /** Parses what a person typed (spaces, dashes, a 00 prefix) or what the gateway reports. */
    public static PhoneNumber parse(String text) {
        if (text == null) {
            throw ProblemException.invalid("phone", "is required");
        }
        String s = text.replaceAll("[\\s\\-().]", "");
        if (s.startsWith("00")) {
            s = "+" + s.substring(2);
        } else if (s.matches("[0-9]{8}")) {
            s = "+45" + s;
        } else if (s.matches("[1-9][0-9]{6,14}")) {
            s = "+" + s;
        }
        return new PhoneNumber(s);
    }

    /** The gateway's form: digits with the country code. */
    public String msisdn() {
        return e164.substring(1);
    }

    @Override
    public String toString() {
        // never the number in a log line
        return "PhoneNumber[redacted]";
    }
}

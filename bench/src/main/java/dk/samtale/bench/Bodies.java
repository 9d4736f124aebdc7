package dk.samtale.bench;

import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Message bodies of about the size a real chat message has: Danish-looking text, æøå included. */
final class Bodies {

    private static final String[] WORDS = ("hej jeg har et spørgsmål om min ydelse og mødet på jobcentret i næste uge "
            + "kan du hjælpe mig med at finde ud af hvornår jeg skal aflevere papirerne til kommunen tak for svaret "
            + "det er fint vi ses tirsdag klokken ti husk at tage dit sygesikringskort med og eventuelt din plan "
            + "jeg forstår ikke helt brevet som jeg fik i e-boks hvad betyder det for min uddannelseshjælp").split(" ");

    private Bodies() {
    }

    /** {@code count} different bodies of about {@code chars} characters, each already a JSON string. */
    static String[] jsonBodies(int count, int chars, long seed) {
        Random r = new Random(seed);
        String[] out = new String[count];
        for (int i = 0; i < count; i++) {
            out[i] = json(text(r, chars));
        }
        return out;
    }

    static String text(Random r, int chars) {
        StringBuilder sb = new StringBuilder(chars + 20);
        boolean capital = true;
        while (sb.length() < chars) {
            String w = WORDS[r.nextInt(WORDS.length)];
            sb.append(capital ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            capital = r.nextInt(12) == 0;
            sb.append(capital ? ". " : r.nextInt(10) == 0 ? ", " : " ");
        }
        sb.setLength(Math.max(1, chars - 1));
        return sb.toString().trim() + ".";
    }

    static String json(String s) {
        try {
            return Rest.JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

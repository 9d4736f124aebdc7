package dk.samtale.sms;

/**
 * The text of an SMS notice: who wrote (the unit, never a person) and where to read it. Never the
 * message body, a name, a CPR or a number: SMS is not a secure channel.
 */
final class NoticeText {

    private NoticeText() {
    }

    static String notice(String unitName) {
        return gsm("Du har en ny besked fra " + unitName + ". Log ind i appen for at læse den.");
    }

    /**
     * Typographic dashes and quotes are not in GSM 03.38; one of them would make the whole notice UCS-2
     * (70 instead of 160 characters per segment), so a notice uses their plain forms.
     */
    static String gsm(String text) {
        return text.replace('\u2013', '-').replace('\u2014', '-').replace('\u2018', '\'').replace('\u2019', '\'')
                .replace('\u201C', '"').replace('\u201D', '"');
    }
}

package dk.samtale.crypto;

/**
 * A stored value that cannot be decrypted: it was altered or moved to another row (integrity), or its
 * tenant's keys were destroyed (crypto-shredding). Never carries the value itself.
 */
public class Unreadable extends RuntimeException {

    public enum Reason {
        /** The value, its tag or its binding to the row does not check out. */
        INTEGRITY("integrity-error"),
        /** The key it was sealed under has been destroyed. */
        KEY_DESTROYED("key-destroyed");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public Unreadable(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

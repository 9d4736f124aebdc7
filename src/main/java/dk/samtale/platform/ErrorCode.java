package dk.samtale.platform;

/**
 * The stable error codes of the API, shared by REST problems ({@code urn:samtale:problem:<code>}) and
 * WebSocket error frames. Clients branch on {@link #code()}; the codes never change meaning.
 */
public enum ErrorCode {
    MALFORMED_JSON("malformed-json", 400, "Malformed JSON"), INVALID_FIELD("invalid-field", 400,
            "Invalid field"), BODY_EMPTY("body-empty", 400, "Message body is empty"), BODY_TOO_LONG("body-too-long",
                    400, "Message body is too long"), UNKNOWN_FRAME_TYPE("unknown-frame-type", 400,
                            "Unknown frame type"), UNAUTHORIZED("unauthorized", 401, "Unauthorized"), FORBIDDEN(
                                    "forbidden", 403,
                                    "Forbidden"), NOT_FOUND("not-found", 404, "Not found"), METHOD_NOT_ALLOWED(
                                            "method-not-allowed", 405,
                                            "Method not allowed"), CONVERSATION_CLOSED("conversation-closed", 409,
                                                    "Conversation is closed"), PAYLOAD_TOO_LARGE("payload-too-large",
                                                            413, "Payload too large"), UNSUPPORTED_MEDIA_TYPE(
                                                                    "unsupported-media-type", 415,
                                                                    "Unsupported media type"), RATE_LIMITED(
                                                                            "rate-limited", 429,
                                                                            "Too many requests"), INTERNAL_ERROR(
                                                                                    "internal-error", 500,
                                                                                    "Internal error"),
    // SMS (dk.samtale.sms)
    NO_VERIFIED_PHONE("no-verified-phone", 409, "No verified phone number"), PHONE_IN_USE("phone-in-use", 409,
            "Phone number in use"), WEBHOOK_SIGNATURE("webhook-signature", 401, "Invalid webhook signature"),
    // Onboarding (operator API, dk.samtale.operator)
    TENANT_EXISTS("tenant-exists", 409, "Tenant exists"), EXTERNAL_ID_IN_USE("external-id-in-use", 409,
            "External id in use"),
    // Attachments (dk.samtale.attachment): the detail of these is Danish, written to be shown to the user
    ATTACHMENT_TYPE_NOT_ALLOWED("attachment-type-not-allowed", 415, "File type not allowed"), ATTACHMENT_TYPE_MISMATCH(
            "attachment-type-mismatch", 415,
            "File name or declared type does not match the content"), ATTACHMENT_TOO_LARGE("attachment-too-large", 413,
                    "File too large"), ATTACHMENT_INFECTED("attachment-infected", 422,
                            "Malware found"), ATTACHMENT_UNREADABLE("attachment-unreadable", 422,
                                    "File cannot be read"), ATTACHMENT_PENDING("attachment-pending", 409,
                                            "File not scanned yet"), ATTACHMENT_NOT_USABLE("attachment-not-usable", 409,
                                                    "Attachment cannot go with this message"), ATTACHMENTS_TOO_MANY(
                                                            "attachments-too-many", 400,
                                                            "Too many attachments"), ATTACHMENTS_TOO_LARGE(
                                                                    "attachments-too-large", 413,
                                                                    "Attachments too large together"), INTEGRITY_ERROR(
                                                                            "integrity-error", 500,
                                                                            "Stored data failed its integrity check"), KEY_DESTROYED(
                                                                                    "key-destroyed", 410,
                                                                                    "The data was destroyed"),
    // Correcting what was sent (dk.samtale.conversation, issue 20)
    NOT_YOUR_MESSAGE("not-your-message", 403, "Not the sender of the message"), MESSAGE_ALREADY_READ(
            "message-already-read", 409, "The message has been read"), RETRACT_WINDOW_PASSED("retract-window-passed",
                    409,
                    "Too late to retract"), MESSAGE_RETRACTED("message-retracted", 409, "The message is retracted"),
    // Retention (dk.samtale.retention, issue 16)
    DRY_RUN_REQUIRED("dry-run-required", 409, "A dry run of the current policy is required first"), HOLD_LIFTED(
            "hold-lifted", 409, "The legal hold is lifted already");

    private final String code;
    private final int status;
    private final String title;

    ErrorCode(String code, int status, String title) {
        this.code = code;
        this.status = status;
        this.title = title;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String type() {
        return "urn:samtale:problem:" + code;
    }
}

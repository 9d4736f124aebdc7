package dk.samtale.audit;

/** What can be audited; {@link #code()} is what is stored and what the API filters by. */
public enum AuditAction {
    CONVERSATION_ASSIGNED("conversation.assigned"), CONVERSATION_TRANSFERRED(
            "conversation.transferred"), CONVERSATION_CLOSED("conversation.closed"), CONVERSATION_REOPENED(
                    "conversation.reopened"), CASE_REFERENCE_SET("conversation.case-reference-set"), NOTE_ADDED(
                            "note.added"), CITIZEN_LOOKED_UP("citizen.looked-up-by-cpr"), TEMPLATE_CREATED(
                                    "template.created"), TEMPLATE_UPDATED("template.updated"), TEMPLATE_DELETED(
                                            "template.deleted"), OFFICE_HOURS_CHANGED(
                                                    "office-hours.changed"), TENANT_CREATED(
                                                            "tenant.created"), TENANT_UPDATED(
                                                                    "tenant.updated"), UNIT_CREATED(
                                                                            "unit.created"), UNIT_UPDATED(
                                                                                    "unit.updated"), SMS_SETTINGS_CHANGED(
                                                                                            "sms-settings.changed"), KEYS_ROTATED(
                                                                                                    "keys.rotated"), KEYS_REWRAPPED(
                                                                                                            "keys.rewrapped"), KEYS_SHREDDED(
                                                                                                                    "keys.shredded"),
    // who changed where a citizen's SMS notices go (dk.samtale.sms); ids only, never the number
    CITIZEN_PHONE_SET("citizen.phone-set"), CITIZEN_PHONE_REMOVED("citizen.phone-removed"),
    // retention and deletion (dk.samtale.retention, issue 16); ids and counts only
    RETENTION_POLICY_CHANGED("retention.policy-changed"), RETENTION_DRY_RUN("retention.dry-run"), RETENTION_RUN(
            "retention.run"), LEGAL_HOLD_PLACED("legal-hold.placed"), LEGAL_HOLD_LIFTED(
                    "legal-hold.lifted"), CITIZEN_ERASED("citizen.erased"),
    // the access log's settings (dk.samtale.records): staff names in citizens' reports, units' purposes
    ACCESS_LOG_SETTINGS_CHANGED("access-log.settings-changed"),
    // children and guardians (dk.samtale.guardian, issue 20); ids only, never a CPR number
    UNIT_CHILD_SETTINGS_CHANGED("unit.child-settings-changed"), GUARDIANSHIP_REGISTERED(
            "guardianship.registered"), GUARDIANSHIP_ENDED("guardianship.ended"), CONVERSATION_PARTIES_SET(
                    "conversation.parties-set");

    private final String code;

    AuditAction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static AuditAction of(String code) {
        for (AuditAction a : values()) {
            if (a.code.equals(code)) {
                return a;
            }
        }
        return null;
    }
}

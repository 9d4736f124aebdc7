package dk.samtale.audit;

import io.smallrye.mutiny.Uni;

/**
 * The staff audit trail: who did what to which conversation, citizen, unit or tenant, and when. Features
 * call it after a change succeeded; it stores ids only (never message or note text, never a CPR number),
 * append-only. Not on the message path: sending and reading messages are not audited here (the journal
 * holds the messages).
 */
public interface AuditTrail {

    /** Records one action. Fails when it cannot be stored, so the caller learns that it was not audited. */
    Uni<Void> record(AuditEvent event);
}

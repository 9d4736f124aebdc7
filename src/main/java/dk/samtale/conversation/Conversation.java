package dk.samtale.conversation;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;

/**
 * A conversation between one citizen and one unit of a tenant. Its lifecycle (open, assign, close,
 * reopen) goes through Hibernate Reactive; {@code last_seq} belongs to the message path, which
 * advances it in SQL, so the entity never writes it ({@link DynamicUpdate} and updatable = false).
 */
@Entity
@Table(name = "conversation")
@DynamicUpdate
public class Conversation {

    public enum Status {
        open, closed
    }

    @Id
    public UUID id;
    @Column(name = "tenant_id", nullable = false, updatable = false)
    public UUID tenantId;
    @Column(name = "unit_id", nullable = false, updatable = false)
    public UUID unitId;
    @Column(name = "citizen_id", nullable = false, updatable = false)
    public UUID citizenId;
    /** Sealed ({@link Subjects}); the clear column is only read for rows not sealed yet (V12). */
    @Column(name = "subject_enc")
    public byte[] subjectEnc;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;
    @Column(name = "assignee_id")
    public UUID assigneeId;
    @Column(name = "case_number")
    public String caseNumber;
    @Column(name = "kle_class")
    public String kleClass;
    @Column(name = "action_facet")
    public String actionFacet;
    /** app, sms or app-then-sms: carried on each message event for the SMS feature (README "SMS"). */
    @Column(name = "channel_policy", nullable = false)
    public String channelPolicy = "app";
    @Column(name = "last_seq", updatable = false)
    public long lastSeq;
    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    /** When it was last closed; null while open. Retention counts a closed conversation's days from here. */
    @Column(name = "closed_at")
    public Instant closedAt;
}

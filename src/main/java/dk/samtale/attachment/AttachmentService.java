package dk.samtale.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.attachment.FileStore.FileRef;
import dk.samtale.attachment.FileStore.Variant;
import dk.samtale.conversation.Conversation;
import dk.samtale.conversation.ConversationService;
import dk.samtale.conversation.ConversationView;
import dk.samtale.conversation.MessageLookup;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.identity.Caller;
import dk.samtale.platform.AccessLog;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;

/**
 * Who may upload, see and download attachments. A file is visible to its uploader from the upload on,
 * and to everyone who may see the conversation once a message carries it; to anyone else it does not
 * exist (404). A retracted message's files are gone for everyone but the case system. Blocking (worker threads).
 */
@ApplicationScoped
public class AttachmentService {

    /** A file ready to stream: its plaintext is opened chunk by chunk as it is read. */
    public record Download(String mediaType, String fileName, long size, InputStream content) {
    }

    private final Intake intake;
    private final AttachmentRows rows;
    private final FileStore store;
    private final ConversationService conversations;
    private final MessageLookup messages;
    private final AccessLog accessLog;

    AttachmentService(Intake intake, AttachmentRows rows, FileStore store, ConversationService conversations,
            MessageLookup messages, AccessLog accessLog) {
        this.accessLog = accessLog;
        this.intake = intake;
        this.rows = rows;
        this.store = store;
        this.conversations = conversations;
        this.messages = messages;
    }

    /** Participants of an open conversation. */
    public Attachment upload(Caller caller, UUID conversationId, String contentDisposition, String contentType,
            Long contentLength, InputStream body) throws IOException {
        if (!caller.isCitizen() && !caller.isStaff()) {
            throw ProblemException.forbidden("only participants upload attachments");
        }
        ConversationView c = visible(caller, conversationId);
        if (c.status() != Conversation.Status.open) {
            throw new ProblemException(ErrorCode.CONVERSATION_CLOSED, "The conversation is closed");
        }
        String name = FileNames.fromDisposition(contentDisposition);
        return intake.receive(caller, conversationId, name, contentType, contentLength, body);
    }

    /** The uploader, or (once sent) anyone who may see the conversation. */
    public Attachment status(Caller caller, UUID conversationId, UUID id) {
        AttachmentRows.Row row = row(caller, conversationId, id);
        return intake.view(intake.keys(caller.tenantId(), row.conversationId()), row);
    }

    /** The cleaned file, or its thumbnail. Staff opening the file itself is an access to the citizen's data. */
    public Download download(Caller caller, UUID conversationId, UUID id, Variant variant) {
        ConversationView v = visible(caller, conversationId);
        Download d = open(row(caller, v, id), variant);
        if (caller.isStaff() && variant == Variant.clean) {
            accessLog.record(new AccessLog.Access(caller.tenantId(), AccessLog.Accessor.staff(caller.id()),
                    v.citizen().id(), conversationId, v.unit().id(), AccessLog.Kind.FILE_OPENED));
        }
        return d;
    }

    /** For the case system (journal-reader of the tenant): any accepted file that a message carries. */
    public Download forJournal(UUID tenantId, UUID id) {
        AttachmentRows.Row row = rows.find(tenantId, id);
        if (row == null || row.messageId() == null) {
            throw ProblemException.notFound("attachment");
        }
        return open(row, Variant.clean);
    }

    private Download open(AttachmentRows.Row row, Variant variant) {
        switch (row.state()) {
            case accepted -> {
            }
            case quarantined -> throw Refusals.pending();
            default -> throw ProblemException.notFound("attachment");
        }
        if (variant == Variant.thumbnail && !row.hasThumbnail()) {
            throw ProblemException.notFound("thumbnail");
        }
        TenantKeys k = intake.keys(row.tenantId(), row.conversationId());
        Attachment a = intake.view(k, row);
        FileRef ref = new FileRef(row.id(), variant);
        try {
            // the first chunk is opened before any header goes out, so a damaged file answers with a
            // problem instead of a cut-off download
            PushbackInputStream in = new PushbackInputStream(
                    SealedChunks.opening(k, row.tenantId(), row.conversationId(), store, ref), 1);
            int first = in.read();
            if (first >= 0) {
                in.unread(first);
            }
            return variant == Variant.thumbnail
                    ? new Download("image/jpeg", "thumbnail.jpg", -1, in)
                    : new Download(a.mediaType(), a.fileName() == null ? "attachment" : a.fileName(), a.size(), in);
        } catch (Unreadable e) {
            throw e.reason() == Unreadable.Reason.KEY_DESTROYED
                    ? new ProblemException(ErrorCode.KEY_DESTROYED, "The file was destroyed with its keys")
                    : new ProblemException(ErrorCode.INTEGRITY_ERROR, "The stored file failed its integrity check");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private AttachmentRows.Row row(Caller caller, UUID conversationId, UUID id) {
        return row(caller, visible(caller, conversationId), id);
    }

    private AttachmentRows.Row row(Caller caller, ConversationView visible, UUID id) {
        UUID conversationId = visible.id();
        AttachmentRows.Row row = rows.find(caller.tenantId(), id);
        if (row == null || !row.conversationId().equals(conversationId)) {
            throw ProblemException.notFound("attachment");
        }
        boolean uploader = caller.id() != null && caller.id().equals(row.uploaderId());
        if (!uploader && row.messageId() == null) {
            throw ProblemException.notFound("attachment");
        }
        // a retracted message's files went with it, for its sender too; the case system keeps them
        if (row.messageId() != null && messages.retracted(row.messageId()).await().atMost(Duration.ofSeconds(30))) {
            throw ProblemException.notFound("attachment");
        }
        return row;
    }

    private ConversationView visible(Caller caller, UUID conversationId) {
        // ConversationService answers not-found for a conversation the caller may not see
        return conversations.get(caller, conversationId).await().atMost(Duration.ofSeconds(30));
    }
}

package dk.samtale.attachment;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dk.samtale.attachment.FileStore.FileRef;
import dk.samtale.attachment.FileStore.Variant;
import dk.samtale.attachment.MalwareScanner.Verdict;
import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.identity.Caller;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * What happens to an uploaded file before anyone can download it, in order: spooled to a private
 * temporary file while its size is enforced (never whole in memory), its type detected from the content,
 * scanned by the {@link MalwareScanner}, cleaned of metadata and active content, encrypted in chunks and
 * stored in the {@link FileStore}. Blocking throughout (file IO, the scanner, PDFBox, ImageIO): callers
 * are on worker threads.
 *
 * <p>
 * When the scanner is unavailable the upload is stored encrypted as it came and waits quarantined;
 * {@link Rescan} scans and cleans it later. It is never served before that.
 */
@ApplicationScoped
public class Intake {

    private static final Logger LOG = Logger.getLogger(Intake.class);

    /** Cleaned file, ready for the record. */
    record Processed(long size, byte[] sha256, boolean hasThumbnail) {
    }

    private final AttachmentConfig config;
    private final AttachmentRows rows;
    private final FileStore store;
    private final MalwareScanner scanner;
    private final ConversationKeys keys;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer scanTime;
    private final Path spoolDir;

    Intake(AttachmentConfig config, AttachmentRows rows, FileStore store, MalwareScanner scanner, ConversationKeys keys,
            Clock clock, MeterRegistry metrics) throws IOException {
        this.config = config;
        this.rows = rows;
        this.store = store;
        this.scanner = scanner;
        this.keys = keys;
        this.clock = clock;
        this.metrics = metrics;
        this.scanTime = Timer.builder("samtale.attachments.scan").description("One malware scan, connect to verdict")
                .register(metrics);
        Gauge.builder("samtale.attachments.quarantined", rows, AttachmentRows::quarantined)
                .description("Uploads waiting for a scanner").register(metrics);
        this.spoolDir = spoolDirectory(config);
    }

    /** The tenant's rules, or the configured defaults. */
    Policy policy(UUID tenantId) {
        Policy p = rows.policy(tenantId);
        return p != null
                ? p
                : new Policy(config.allowedTypes(), config.maxFileSize().asLongValue(),
                        config.maxMessageSize().asLongValue());
    }

    /**
     * Takes one upload from {@code body} to its stored, accepted (or quarantined) state.
     *
     * @param declaredType the request's Content-Type, only checked against the content
     * @param declaredLength the request's Content-Length, if any: refused early when over the limit
     */
    Attachment receive(Caller caller, UUID conversationId, String fileName, String declaredType, Long declaredLength,
            InputStream body) throws IOException {
        Policy policy = policy(caller.tenantId());
        if (declaredLength != null && declaredLength > policy.maxFileBytes()) {
            throw refused(Refusals.tooLarge(policy.maxFileBytes()), "too-large");
        }
        Path spooled = spoolFile();
        try {
            copyBounded(body, spooled, policy.maxFileBytes());
            String type;
            try (InputStream in = Files.newInputStream(spooled)) {
                type = TypeDetector.detect(in);
            }
            if (!policy.allowedTypes().contains(type) || !Cleaning.supports(type)) {
                throw refused(Refusals.typeNotAllowed(policy.allowedTypes()), "type");
            }
            if (!TypeDetector.nameFits(fileName, type) || !TypeDetector.declaredFits(declaredType, type)) {
                throw refused(Refusals.typeMismatch(), "mismatch");
            }
            UUID tenant = caller.tenantId();
            UUID id = Uuid7.next(clock);
            TenantKeys k = keys(tenant, conversationId);
            Instant now = Times.now(clock);
            AttachmentRows.Row row = new AttachmentRows.Row(id, tenant, conversationId, caller.kind().name(),
                    caller.id(), k.seal(fileNameBinding(tenant, conversationId, id), fileName), type, null, null, null,
                    false, null, 0,
                    null, null, now);
            Verdict verdict;
            try (InputStream in = Files.newInputStream(spooled)) {
                verdict = scan(in);
            } catch (MalwareScanner.Unavailable e) {
                FileRef original = new FileRef(id, Variant.original);
                try (InputStream in = Files.newInputStream(spooled)) {
                    store.write(original, SealedChunks.sealing(k, tenant, conversationId, original, in));
                }
                rows.insert(with(row, Attachment.State.quarantined, null, false, null),
                        now.plus(config.rescanInterval()), k.keyIdFor(fileNameBinding(tenant, conversationId, id)));
                count("quarantined");
                LOG.warnf("attachment %s quarantined: scanner unavailable (%s); it waits for a rescan", id,
                        e.getMessage());
                return view(k, rows.find(tenant, id));
            }
            if (verdict instanceof Verdict.Infected infected) {
                rows.insert(with(row, Attachment.State.infected, null, false, infected.signature()), null,
                        k.keyIdFor(fileNameBinding(tenant, conversationId, id)));
                infected(id, tenant, caller.kind().name(), caller.id(), infected.signature());
                throw Refusals.infected();
            }
            Processed p;
            try {
                p = process(k, tenant, conversationId, id, type, spooled);
            } catch (Cleaning.Unreadable e) {
                throw refused(Refusals.unreadable(), "unreadable");
            }
            rows.insert(with(row, Attachment.State.accepted, p, p.hasThumbnail(), "clean"), null, k.activeKeyId());
            count("accepted");
            return view(k, rows.find(tenant, id));
        } finally {
            Files.deleteIfExists(spooled);
        }
    }

    /**
     * Scans a quarantined upload again: clean → cleaned, stored, accepted; infected → recorded, content
     * dropped; scanner still unavailable → false (try later).
     */
    boolean rescan(AttachmentRows.Row row) throws IOException {
        TenantKeys k = keys(row.tenantId(), row.conversationId());
        FileRef original = new FileRef(row.id(), Variant.original);
        Verdict verdict;
        try (InputStream in = SealedChunks.opening(k, row.tenantId(), row.conversationId(), store, original)) {
            verdict = scan(in);
        } catch (MalwareScanner.Unavailable e) {
            return false;
        }
        if (verdict instanceof Verdict.Infected infected) {
            if (rows.infected(row.id(), infected.signature())) {
                infected(row.id(), row.tenantId(), row.uploaderKind(), row.uploaderId(), infected.signature());
            }
            store.delete(original);
            return true;
        }
        Path spooled = spoolFile();
        try {
            try (InputStream in = SealedChunks.opening(k, row.tenantId(), row.conversationId(), store, original);
                    OutputStream out = Files.newOutputStream(spooled)) {
                in.transferTo(out);
            }
            try {
                Processed p = process(k, row.tenantId(), row.conversationId(), row.id(), row.mediaType(), spooled);
                if (rows.accept(row.id(), p.size(), p.sha256(), p.hasThumbnail(), "clean", Times.now(clock))) {
                    count("accepted-after-quarantine");
                    LOG.infof("attachment %s scanned clean after quarantine; accepted", row.id());
                }
            } catch (Cleaning.Unreadable e) {
                rows.refused(row.id(), "unreadable");
                count("refused");
                LOG.infof("attachment %s scanned clean after quarantine but cannot be cleaned; refused", row.id());
            }
            store.delete(original);
            return true;
        } finally {
            Files.deleteIfExists(spooled);
        }
    }

    /** Cleans {@code source}, stores the cleaned file (and an image's thumbnail), sealed in chunks. */
    private Processed process(TenantKeys k, UUID tenant, UUID conversation, UUID id, String type, Path source)
            throws IOException {
        Path cleaned = spoolFile();
        try {
            int orientation = Cleaning.clean(type, source, cleaned);
            MessageDigest sha = sha256();
            long size = Files.size(cleaned);
            FileRef clean = new FileRef(id, Variant.clean);
            try (InputStream in = new DigestInputStream(Files.newInputStream(cleaned), sha)) {
                store.write(clean, SealedChunks.sealing(k, tenant, conversation, clean, in));
            }
            boolean thumb = false;
            if (type.startsWith("image/")) {
                ByteArrayOutputStream t = new ByteArrayOutputStream();
                try {
                    thumb = Thumbnails.write(cleaned, orientation, config.thumbnailSize(), t);
                } catch (IOException | RuntimeException e) {
                    LOG.infof("attachment %s: no thumbnail (%s)", id, e.getClass().getSimpleName());
                }
                if (thumb) {
                    FileRef ref = new FileRef(id, Variant.thumbnail);
                    store.write(ref, SealedChunks.sealing(k, tenant, conversation, ref,
                            new ByteArrayInputStream(t.toByteArray())));
                }
            }
            return new Processed(size, sha.digest(), thumb);
        } finally {
            Files.deleteIfExists(cleaned);
        }
    }

    private Verdict scan(InputStream in) throws MalwareScanner.Unavailable {
        Timer.Sample sample = Timer.start(metrics);
        try {
            return scanner.scan(in);
        } finally {
            sample.stop(scanTime);
        }
    }

    private void infected(UUID id, UUID tenant, String uploaderKind, UUID uploaderId, String signature) {
        count("infected");
        Counter.builder("samtale.attachments.infected").description("Uploads in which the scanner found malware")
                .register(metrics).increment();
        // the record: the attachment row (state infected, signature, uploader) stays; the content does not
        LOG.warnf("MALWARE: attachment %s (tenant %s, uploaded by %s %s) refused: %s", id, tenant, uploaderKind,
                uploaderId, signature);
    }

    /** The file as its caller sees it (the name opened). */
    Attachment view(TenantKeys k, AttachmentRows.Row r) {
        String name = k.openOrNull(fileNameBinding(r.tenantId(), r.conversationId(), r.id()), r.fileNameEnc());
        return new Attachment(r.id(), r.conversationId(), name, r.mediaType(), r.size(),
                AttachmentRows.hex(r.sha256()), r.state(), r.hasThumbnail(), r.messageId(), r.createdAt());
    }

    TenantKeys keys(UUID tenant, UUID conversation) {
        return keys.of(tenant, conversation).await().atMost(Duration.ofSeconds(30));
    }

    static Binding fileNameBinding(UUID tenant, UUID conversation, UUID id) {
        return new Binding(tenant, conversation, "attachment", id, "file_name");
    }

    private dk.samtale.platform.ProblemException refused(dk.samtale.platform.ProblemException p, String reason) {
        count("refused-" + reason);
        return p;
    }

    private void count(String outcome) {
        Counter.builder("samtale.attachments.uploads").description("Uploads by outcome").tag("outcome", outcome)
                .register(metrics).increment();
    }

    /** Copies at most {@code max} bytes; one more byte and the upload is refused while it is still arriving. */
    private static void copyBounded(InputStream body, Path to, long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(to)) {
            int n;
            while ((n = readBody(body, buffer, max)) >= 0) {
                total += n;
                if (total > max) {
                    throw Refusals.tooLarge(max);
                }
                out.write(buffer, 0, n);
            }
        }
    }

    /** One read of the body; the server's own ceiling, if it strikes first, is the same refusal. */
    private static int readBody(InputStream body, byte[] buffer, long max) throws IOException {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("too large")) {
                throw Refusals.tooLarge(max);
            }
            throw e;
        }
    }

    private static AttachmentRows.Row with(AttachmentRows.Row r, Attachment.State state, Processed p, boolean thumb,
            String verdict) {
        return new AttachmentRows.Row(r.id(), r.tenantId(), r.conversationId(), r.uploaderKind(), r.uploaderId(),
                r.fileNameEnc(), r.mediaType(), state, p == null ? null : p.size(), p == null ? null : p.sha256(),
                thumb,
                verdict, r.scanAttempts(), r.clientMessageId(), r.messageId(), r.createdAt());
    }

    private Path spoolFile() throws IOException {
        return Files.createTempFile(spoolDir, "upload-", ".part");
    }

    /** A directory only this process's user can read: uploads sit there in plaintext while checked. */
    private static Path spoolDirectory(AttachmentConfig config) throws IOException {
        Path base = Path.of(config.spoolDirectory().orElse(System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        try {
            return Files.createTempDirectory(base, "samtale-spool-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempDirectory(base, "samtale-spool-");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

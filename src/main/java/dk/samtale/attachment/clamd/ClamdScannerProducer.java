package dk.samtale.attachment.clamd;

import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import dk.samtale.attachment.AttachmentConfig;
import dk.samtale.attachment.MalwareScanner;

/**
 * The scanner: clamd when {@code samtale.attachments.clamd-address} is set; otherwise one that is always
 * unavailable, so every upload waits quarantined rather than going out unscanned.
 */
class ClamdScannerProducer {

    private static final Logger LOG = Logger.getLogger(ClamdScannerProducer.class);

    @Produces
    @ApplicationScoped
    MalwareScanner scanner(AttachmentConfig config) {
        if (config.clamdAddress().isEmpty()) {
            LOG.warn("attachments: no clamd configured (samtale.attachments.clamd-address): every upload waits "
                    + "quarantined until a scanner is configured; nothing is delivered unscanned");
            return new MalwareScanner() {
                @Override
                public Verdict scan(InputStream content) throws Unavailable {
                    throw new Unavailable("no clamd configured", null);
                }

                @Override
                public boolean ping() {
                    return false;
                }
            };
        }
        return new ClamdMalwareScanner(ClamdMalwareScanner.parse(config.clamdAddress().get()), config.scanTimeout());
    }
}

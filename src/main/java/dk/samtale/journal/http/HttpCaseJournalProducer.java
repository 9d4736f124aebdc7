package dk.samtale.journal.http;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import dk.samtale.journal.CaseJournal;
import dk.samtale.journal.EndpointPolicy;
import dk.samtale.journal.JournalConfig;

/** The HTTP adapter, with the address policy and each tenant's credential files from configuration. */
class HttpCaseJournalProducer {

    @Produces
    @ApplicationScoped
    CaseJournal caseJournal(JournalConfig config, EndpointPolicy policy, Clock clock) {
        JournalConfig.Push push = config.push();
        Map<String, TenantFiles> files = new HashMap<>();
        push.tenants().forEach((slug, c) -> files.put(slug,
                new TenantFiles(c.clientSecretFile().map(Path::of).orElse(null),
                        c.clientCertificateFile().map(Path::of).orElse(null),
                        c.clientKeyFile().map(Path::of).orElse(null), c.trustFile().map(Path::of).orElse(null))));
        return new HttpCaseJournal(policy, Map.copyOf(files), push.requestTimeout(), push.tokenRenewBefore(),
                push.tokenBackoff(), push.maxBackoff(), clock);
    }

    void close(@Disposes CaseJournal journal) {
        if (journal instanceof HttpCaseJournal http) {
            http.close();
        }
    }
}

package dk.samtale.journal.http;

import java.net.http.HttpClient;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dk.samtale.journal.CaseJournal;
import dk.samtale.journal.JournalConfig;

/** The HTTP adapter with the JDK's client (HTTP/1.1 and 2, TLS from the JVM's trust store). */
class HttpCaseJournalProducer {

    @Produces
    @ApplicationScoped
    CaseJournal caseJournal(JournalConfig config, Clock clock) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(config.push().requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new HttpCaseJournal(client, config.push().requestTimeout(), clock);
    }
}

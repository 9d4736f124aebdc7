package dk.samtale.records;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything Samtale holds about one citizen (GDPR Art. 15), as the API serves it: the sections of every
 * feature in their order, keyed by their stable names (openapi.yaml, {@code InsightReport}).
 *
 * @param audience {@code citizen} (fetched from the app) or {@code dpo} (produced by the data protection
 *        officer for a request by letter: staff notes' texts and employees' names included, for the DPO to
 *        assess before sending)
 */
record InsightReport(Instant generatedAt, String municipality, UUID citizenId, String audience,
        Map<String, Section> sections) {

    record Section(String title, List<?> items) {
    }
}

package dk.samtale.journal;

import java.net.URI;

/** A tenant's push settings (table journal_settings) as the port's endpoint. */
final class PushSettings {

    private PushSettings() {
    }

    /** Null when the tenant has no push URL. */
    static CaseJournal.Endpoint endpoint(String slug, String pushUrl, String auth, String tokenUrl, String clientId,
            String scope) {
        if (pushUrl == null) {
            return null;
        }
        CaseJournal.Auth a = switch (auth == null ? "none" : auth) {
            case "client-credentials" -> new CaseJournal.Auth.ClientCredentials(URI.create(tokenUrl), clientId, scope);
            case "mutual-tls" -> new CaseJournal.Auth.MutualTls();
            default -> new CaseJournal.Auth.None();
        };
        return new CaseJournal.Endpoint(slug, URI.create(pushUrl), a);
    }
}

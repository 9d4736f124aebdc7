package dk.samtale.inbox;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The inbox page's public settings: how to sign in. No secrets: the inbox is a public OIDC client
 * (PKCE), and the demo sign-in exists only in a demo build.
 */
@Path("/inbox/config.json")
@PermitAll
public class InboxConfigResource {

    /** signIn: "oidc" (production), "demo" (demo build: pick a seeded caseworker) or "none" (not set up). */
    public record Settings(String signIn, String issuer, String clientId, String scope, int renewBeforeSeconds) {
    }

    private final InboxConfig config;
    private final boolean demo;

    InboxConfigResource(InboxConfig config,
            @ConfigProperty(name = "samtale.demo.enabled", defaultValue = "false") boolean demo) {
        this.config = config;
        this.demo = demo;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Settings settings() {
        var oidc = config.oidc();
        if (oidc.issuer().isPresent() && oidc.clientId().isPresent()) {
            return new Settings("oidc", oidc.issuer().get(), oidc.clientId().get(), oidc.scope(),
                    config.renewBeforeSeconds());
        }
        return new Settings(demo ? "demo" : "none", null, null, null, config.renewBeforeSeconds());
    }
}

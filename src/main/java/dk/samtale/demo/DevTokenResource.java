package dk.samtale.demo;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.quarkus.arc.profile.IfBuildProfile;

import dk.samtale.identity.CallerKind;
import dk.samtale.platform.ProblemException;

/** Dev/demo only: tokens for the demo users. Not part of the prod build. */
@Path("/dev/tokens")
@IfBuildProfile("demo")
public class DevTokenResource {

    public record DemoUserInfo(String login, CallerKind kind, String name, String tokenUrl) {
    }

    public record Token(String login, CallerKind kind, String token, long expiresInSeconds) {
    }

    private final DevTokens tokens;

    DevTokenResource(DevTokens tokens) {
        this.tokens = tokens;
    }

    @GET
    public List<DemoUserInfo> users() {
        return DevTokens.USERS.stream()
                .map(u -> new DemoUserInfo(u.login(), u.kind(), u.name(), "/dev/tokens/" + u.login())).toList();
    }

    @GET
    @Path("/{login}")
    public Token token(@PathParam("login") String login) {
        DevTokens.DemoUser user = DevTokens.USERS.stream().filter(u -> u.login().equals(login)).findFirst()
                .orElseThrow(() -> ProblemException.notFound("demo user"));
        return new Token(user.login(), user.kind(), tokens.token(user), DevTokens.LIFETIME.toSeconds());
    }
}

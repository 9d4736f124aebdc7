package dk.samtale.chat;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The chat socket's configuration. */
@ConfigMapping(prefix = "samtale.chat")
public interface ChatConfig {

    /**
     * Web origins (e.g. {@code https://inbox.kommune.dk}) whose pages may open the chat socket, besides
     * this service's own origin (the inbox it serves), which is always allowed. An upgrade that carries
     * an {@code Origin} header not on the list is refused with 403; apps send no Origin and are not
     * affected.
     */
    Optional<List<String>> allowedOrigins();
}

package dk.samtale.journal;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one encoder of journal documents and feed items. A private ObjectMapper, so no application-wide
 * Jackson setting (inclusion rules, indentation) can change the canonical bytes.
 */
public final class JournalCodec {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JournalCodec() {
    }

    public static byte[] encode(JournalDocument d) {
        try {
            return JSON.writeValueAsBytes(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] encode(JournalHeader h) {
        try {
            return JSON.writeValueAsBytes(h);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JournalHeader header(byte[] bytes) {
        try {
            return JSON.readValue(bytes, JournalHeader.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String encode(FeedItem item) {
        try {
            return JSON.writeValueAsString(item);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FeedItem item(String json) {
        try {
            return JSON.readValue(json, FeedItem.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JournalDocument document(byte[] payload) {
        try {
            return JSON.readValue(payload, JournalDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

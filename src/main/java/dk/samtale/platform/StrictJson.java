package dk.samtale.platform;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.UUIDDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Request bodies are held to their JSON types: {@code "body": 42} is not the string "42" and
 * {@code "seq": "2"} is not the number 2 (Jackson coerces both by default). A body of the wrong shape
 * is a {@code malformed-json} problem; a string that is not a UUID where one is expected is an
 * {@code invalid-field} problem naming the field. (Quarkus' own mapper for these would answer a bare
 * 400, or in dev and test mode a JSON body that is not a problem document.)
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.registerModule(new SimpleModule("strict-uuid").addDeserializer(UUID.class, new StrictUuid()));
    }

    /** A UUID is a JSON string: Jackson's own deserializer also reads the number 42 as the string "42". */
    static final class StrictUuid extends StdScalarDeserializer<UUID> {
        private final UUIDDeserializer standard = new UUIDDeserializer();

        StrictUuid() {
            super(UUID.class);
        }

        @Override
        public UUID deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (UUID) ctxt.handleUnexpectedToken(UUID.class, p);
            }
            return standard.deserialize(p, ctxt);
        }
    }

    @ServerExceptionMapper
    Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        // Jackson's message can quote the input, so it is not passed on.
        String instance = uri == null ? null : uri.getRequestUri().getRawPath();
        if (e instanceof InvalidFormatException f && f.getTargetType() == UUID.class
                && f.getValue() instanceof String) {
            Problem p = Problem.of(ProblemException.invalid(field(e), "must be a UUID"), instance);
            return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
        }
        Problem p = Problem.of(ErrorCode.MALFORMED_JSON, "The request body is not valid JSON for this operation",
                instance);
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    private static String field(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        String name = path.isEmpty() ? null : path.get(path.size() - 1).getFieldName();
        return name == null ? "body" : name;
    }
}

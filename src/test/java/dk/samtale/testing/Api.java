package dk.samtale.testing;

import static io.restassured.RestAssured.given;

import java.nio.file.Path;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * REST Assured, with every response checked against openapi/openapi.yaml: a response that drifts from
 * the contract fails the test that got it. Requests are not checked, because the negative tests send
 * invalid ones on purpose.
 */
public final class Api {

    public static final String CPR_A = "0101011111";
    public static final String CPR_B = "0202022222";
    public static final String CPR_OTHER_TENANT = "0303033333";

    private static final OpenApiValidationFilter CONTRACT = new OpenApiValidationFilter(OpenApiInteractionValidator
            .createForSpecificationUrl(Path.of("openapi/openapi.yaml").toAbsolutePath().toUri().toString())
            .withLevelResolver(LevelResolver.create()
                    .withLevel("validation.request", ValidationReport.Level.IGNORE)
                    .build())
            .build());

    private Api() {
    }

    public static RequestSpecification as(String token) {
        return anonymous().auth().oauth2(token);
    }

    public static RequestSpecification anonymous() {
        return given().filter(CONTRACT).contentType(ContentType.JSON).accept(ContentType.JSON);
    }
}

package dk.samtale.testing;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers the test identity for every {@code @QuarkusTest}, so the whole suite shares one running
 * application (a restart per class would cost seconds each).
 */
@QuarkusTestResource(TestIdentity.class)
@QuarkusTestResource(FakeStaffIdp.class)
@QuarkusTestResource(SmsGatewayFake.class)
@QuarkusTestResource(ClamdResource.class)
public class TestResources {
}

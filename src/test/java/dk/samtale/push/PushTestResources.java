package dk.samtale.push;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the fake FCM for every {@code @QuarkusTest}: one application start for the whole suite. */
@QuarkusTestResource(FakeFcm.class)
public class PushTestResources {
}

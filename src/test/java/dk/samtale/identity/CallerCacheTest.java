package dk.samtale.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import dk.samtale.crypto.KeysShredded;
import dk.samtale.testing.TestClock;

/** Resolved callers (with decrypted names) are kept bounded, never past their token, and not past a shred. */
class CallerCacheTest {

    private final TestClock clock = new TestClock();

    private static IdentityConfig config(String maxSize, String ttl) {
        Map<String, String> props = new HashMap<>();
        props.put("samtale.identity.callers.max-size", maxSize);
        props.put("samtale.identity.callers.ttl", ttl);
        return new SmallRyeConfigBuilder().withMapping(IdentityConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 100)).build()
                .getConfigMapping(IdentityConfig.class);
    }

    private VerifiedToken token(String subject, Duration life) {
        return new VerifiedToken(CallerKind.citizen, "t", null, subject, null, "Anna", "0101011111", Set.of(),
                clock.instant().plus(life));
    }

    private static Caller caller(UUID tenant, VerifiedToken t) {
        return new Caller(CallerKind.citizen, tenant, "T", UUID.randomUUID(), "Anna", Set.of(), Set.of("citizen"),
                t.expiresAt());
    }

    @Test
    void anEntryLivesNoLongerThanItsTokenNorTheTtl() {
        CallerCache cache = new CallerCache(config("100", "PT5M"), clock);
        UUID tenant = UUID.randomUUID();
        VerifiedToken shortLived = token("a", Duration.ofMinutes(1));
        VerifiedToken longLived = token("b", Duration.ofHours(8));
        cache.put(shortLived, caller(tenant, shortLived));
        cache.put(longLived, caller(tenant, longLived));
        clock.advance(Duration.ofSeconds(61));
        assertNull(cache.get(shortLived), "gone with its token");
        assertNotNull(cache.get(longLived));
        clock.advance(Duration.ofMinutes(4));
        assertNull(cache.get(longLived), "gone after the TTL although its token lives on");
    }

    @Test
    void theCacheIsBounded() {
        CallerCache cache = new CallerCache(config("50", "PT5M"), clock);
        UUID tenant = UUID.randomUUID();
        for (int i = 0; i < 1000; i++) {
            VerifiedToken t = token("s" + i, Duration.ofHours(1));
            cache.put(t, caller(tenant, t));
        }
        assertEquals(50, cache.size());
    }

    @Test
    void shreddingATenantsKeysEmptiesItsCallersOnly() {
        CallerCache cache = new CallerCache(config("100", "PT5M"), clock);
        UUID shredded = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        VerifiedToken a = token("a", Duration.ofHours(1));
        VerifiedToken b = token("b", Duration.ofHours(1));
        cache.put(a, caller(shredded, a));
        cache.put(b, caller(other, b));
        cache.onShredded(new KeysShredded(shredded));
        assertNull(cache.get(a));
        assertNotNull(cache.get(b));
    }
}

package dk.samtale.platform;

import java.util.List;

/** A JSON list wrapper ({@code {"items": [...]}}), so lists can grow fields (paging) without breaking clients. */
public record Items<T>(List<T> items) {
}

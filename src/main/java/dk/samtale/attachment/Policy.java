package dk.samtale.attachment;

import java.util.List;

/** One tenant's rules for attachments: which detected types it accepts and how large files may be. */
public record Policy(List<String> allowedTypes, long maxFileBytes, long maxMessageBytes) {

    public Policy {
        if (allowedTypes == null || allowedTypes.isEmpty()) {
            throw new IllegalArgumentException("allowedTypes must name at least one type");
        }
        allowedTypes = List.copyOf(allowedTypes);
        if (maxFileBytes <= 0 || maxMessageBytes <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
    }
}

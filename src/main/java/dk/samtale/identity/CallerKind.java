package dk.samtale.identity;

/** The three kinds of callers, each vouched for by its own issuer. */
public enum CallerKind {
    citizen, staff, service
}

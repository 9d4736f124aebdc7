package dk.samtale.push;

/**
 * The only words a push carries: generic Danish, never message text or a citizen's name. A citizen's
 * push names the unit only where the tenant allows it (tenant.push_shows_unit_name).
 */
final class PushTexts {

    static final String TITLE = "Ny besked";

    private PushTexts() {
    }

    static String forCitizen(String unitName, boolean showUnitName) {
        return showUnitName && unitName != null && !unitName.isBlank()
                ? "Du har en ny besked fra " + unitName
                : "Du har en ny besked";
    }

    static String forStaff() {
        return "Du har en ny besked fra en borger";
    }
}

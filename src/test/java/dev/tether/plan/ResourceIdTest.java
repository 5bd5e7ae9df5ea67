package dev.tether.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class ResourceIdTest {
    static final String SITE = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141";

    @Test
    void parsesSitesAndSlotsAndComparesCaseInsensitively() {
        ResourceId site = ResourceId.parse(SITE);
        assertEquals("Microsoft.Web/sites", site.type());
        assertEquals("sitef6141", site.name());
        ResourceId slot = ResourceId.parse(SITE.toUpperCase().replace("/SUBSCRIPTIONS", "/subscriptions") + "/slots/staging");
        assertTrue(slot.isType(Conventions.TYPE_SLOT));
        assertTrue(slot.parent().sameAs(site));
        assertEquals(site.normalized(), ResourceId.parse(SITE + "/").normalized());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rg-café", "rg.team(eu)", "Ressourcen_Gruppe-ü", "リソース", "rg-cafe\u0301"})
    void acceptsResourceGroupNamesArmAllows(String rg) {
        ResourceId id = ResourceId.parse("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/" + rg + "/providers/Microsoft.Web/sites/a");
        assertEquals(rg, id.resourceGroup());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg./providers/Microsoft.Web/sites/a",
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg café/providers/Microsoft.Web/sites/a",
            "",
            "subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a",
            "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Web/sites/a",
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/../sites/b",
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites//a",
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a%2F..",
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a?x=1",
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites",
            "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a/providers/Microsoft.Resources/tags/default"
    })
    void rejectsMalformedIdsWithAMessage(String raw) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ResourceId.parse(raw));
        assertFalse(e.getMessage().isBlank());
    }
}

package dev.tether.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

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

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "resource id is missing"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg./providers/Microsoft.Web/sites/a", "resource group 'rg.' in resource id ends with a period, which ARM does not allow"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg café/providers/Microsoft.Web/sites/a", "resource id '/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg café/providers/Microsoft.Web/sites/a' has an invalid segment 'rg café'"),
                Arguments.of("subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a", "resource id 'subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a' must start with /subscriptions/"),
                Arguments.of("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Web/sites/a", "subscription 'not-a-guid' in resource id is not a GUID"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/../sites/b", "resource id '/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/../sites/b' has an invalid segment '..'"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites//a", "resource id '/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites//a' has an invalid segment ''"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a%2F..", "resource id '/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a%2F..' has an invalid segment 'a%2F..'"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a?x=1", "resource id '/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a?x=1' has an invalid segment 'a?x=1'"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites", "resource id '/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites' is not of the form /subscriptions/{id}/resourceGroups/{group}/providers/{namespace}/{type}/{name}"),
                Arguments.of("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a/providers/Microsoft.Resources/tags/default", "resource id '" + ResourceId.abbreviate("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/a/providers/Microsoft.Resources/tags/default")
                        + "' names an extension resource; give the resource itself"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rg-café", "rg.team(eu)", "Ressourcen_Gruppe-ü", "リソース", "rg-cafe\u0301"})
    void acceptsResourceGroupNamesArmAllows(String rg) {
        ResourceId id = ResourceId.parse("/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/" + rg + "/providers/Microsoft.Web/sites/a");
        assertEquals(rg, id.resourceGroup());
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsMalformedIdsWithAMessage(String raw, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ResourceId.parse(raw));
        assertEquals(message, e.getMessage());
    }
}

package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Json;
import dev.tether.orchestration.Messages;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.Outcome;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SlotSettings;

import java.util.List;
import java.util.Optional;

/**
 * The step that marks Tether's DNS settings as slot settings of the site ({@code config/slotConfigNames}), so that a
 * slot swap leaves each slot's DNS server with its own VNet integration (neither moves). It runs for a site without
 * slots too: a slot created later and swapped in would otherwise carry production's DNS setting away from its
 * integration, and the swap, not Tether, would be the first to notice. Names the site lists already, any other
 * appSettingNames, connectionStringNames and azureStorageConfigNames are kept as they are: the PUT is the list read,
 * with only the missing names appended.
 */
public final class SlotSettingsStep {
    public static final String STEP = "slot-settings";

    private final ArmGateway arm;
    private final TetherConfig config;

    public SlotSettingsStep(ArmGateway arm, TetherConfig config) {
        this.arm = arm;
        this.config = config;
    }

    static String why(List<String> missing) {
        return "mark " + String.join(", ", missing) + " as slot " + (missing.size() == 1 ? "setting" : "settings")
                + " (config/slotConfigNames, merged): app settings swap with the content, VNet integration stays with the slot;"
                + " Tether's mark, recorded for an unlink";
    }

    public String ensure(String input) {
        Messages.SlotSettingsMark request = Json.read(input, Messages.SlotSettingsMark.class);
        return ActivityStep.run(STEP, () -> {
            ResourceId site = ArmGateway.siteOf(ResourceId.parse(request.siteId()));
            List<String> wanted = SlotSettings.tetherNames(config.altDnsServer());
            SlotSettings current = arm.slotSettings(site);
            Optional<SlotSettings> merged = current.merge(wanted);
            if (merged.isEmpty()) {
                return StepResult.done(STEP, Outcome.UNCHANGED, String.join(", ", wanted) + (wanted.size() == 1 ? " is a slot setting" : " are slot settings")
                        + " of " + site.name());
            }
            List<String> added = current.missing(wanted);
            arm.replaceSlotSettings(site, merged.get());
            int kept = current.appSettingNames() == null ? 0 : current.appSettingNames().size();
            return StepResult.done(STEP, Outcome.UPDATED, "marked " + String.join(", ", added) + " as slot "
                    + (added.size() == 1 ? "setting" : "settings") + " of " + site.name() + " (Tether's mark, for an unlink to remove); kept "
                    + kept + " other app setting " + (kept == 1 ? "name" : "names"));
        });
    }
}

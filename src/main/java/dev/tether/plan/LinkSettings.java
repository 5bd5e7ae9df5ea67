package dev.tether.plan;

/** The planning knobs that come from configuration. */
public record LinkSettings(int subnetPrefixLength, String subnetNamePrefix) {
    public static final int SMALLEST_SUBNET = 28;

    public LinkSettings {
        if (subnetPrefixLength < 16 || subnetPrefixLength > SMALLEST_SUBNET) {
            throw new InvalidInputException("integration subnet size /" + subnetPrefixLength
                    + " is not allowed: App Service VNet integration needs /28 or larger (/27 is the portal minimum, /26 recommended)");
        }
    }
}

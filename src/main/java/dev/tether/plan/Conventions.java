package dev.tether.plan;

/** The names users and tests rely on (docs/CONTRACT.md). Fixed names must not change. */
public final class Conventions {
    private Conventions() {
    }

    /** Tag naming the link, on sites, slots and managed clusters (fixed). */
    public static final String TAG_LINK = "private-link";
    /** Optional cluster tag: the DNS zone served by k8s_external. Default {@code <link>.internal}. */
    public static final String TAG_DOMAIN = "private-link-domain";
    /** Optional site tag: the name of the integration subnet to use or create. */
    public static final String TAG_SUBNET = "private-link-subnet";

    /**
     * Optional app tag: {@code true} lets Tether replace a WEBSITE_DNS_SERVER / WEBSITE_DNS_ALT_SERVER it did not set
     * (the old values are recorded in the link's output). Without it such an app is refused before any write.
     */
    public static final String TAG_DNS_REPLACE = "private-link-dns-replace";

    /**
     * Optional app tag: {@code on} forces route-all on, {@code off} keeps Tether from turning it on, {@code auto} (default)
     * turns it on only when the cluster's DNS range is outside RFC 1918. Tether never turns route-all off.
     */
    public static final String TAG_ROUTE_ALL = "private-link-route-all";

    /** Optional cluster tag: which Services become internal (annotated, all-loadbalancers, audit). */
    public static final String TAG_POLICY = "private-link-policy";
    /** Optional cluster tag: {@code true} makes the API server itself refuse public exposure ({@link ExposureGuardPlan}). */
    public static final String TAG_GUARD = "private-link-guard";

    public static final String TYPE_SITE = "Microsoft.Web/sites";
    public static final String TYPE_SLOT = "Microsoft.Web/sites/slots";
    public static final String TYPE_CLUSTER = "Microsoft.ContainerService/managedClusters";
    public static final String TYPE_PLAN = "Microsoft.Web/serverfarms";
    public static final String TYPE_SUBNET = "Microsoft.Network/virtualNetworks/subnets";
    public static final String WEB_DELEGATION = "Microsoft.Web/serverFarms";

    public static final String SETTING_DNS_SERVER = "WEBSITE_DNS_SERVER";
    public static final String SETTING_DNS_ALT_SERVER = "WEBSITE_DNS_ALT_SERVER";

    public static final String KUBE_SYSTEM = "kube-system";
    public static final String DNS_SERVICE = "tether-dns";
    public static final String COREDNS_CUSTOM = "coredns-custom";
    public static final String COREDNS_DEPLOYMENT = "coredns";
    public static final String OVERRIDE_KEY = "tether.override";

    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_TETHER = "tether";
    public static final String ANNOTATION_PRIVATE = "tether.dev/private";
    public static final String ANNOTATION_INTERNAL_LB = "service.beta.kubernetes.io/azure-load-balancer-internal";
    public static final String ANNOTATION_INTERNAL_SUBNET = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet";
    /** The Service's type before Tether made it a load balancer: what Tether changed, for the record. */
    public static final String ANNOTATION_PRIOR_TYPE = "tether.dev/prior-type";
    /** The internal-LB annotation's value before Tether's first patch, when it had one (a restore puts it back). */
    public static final String ANNOTATION_PRIOR_INTERNAL_LB = "tether.dev/prior-internal-lb";
    /** The managed-by label's value before Tether's first patch replaced it, when it had another (a restore puts it back). */
    public static final String ANNOTATION_PRIOR_MANAGED_BY = "tether.dev/prior-managed-by";
    /** Tag AKS's cloud provider puts on the public IP it creates for a Service: {@code <namespace>/<name>}. */
    public static final String TAG_K8S_SERVICE = "k8s-azure-service";
    public static final String TYPE_PUBLIC_IP = "Microsoft.Network/publicIPAddresses";
    public static final String TYPE_LOAD_BALANCER = "Microsoft.Network/loadBalancers";
    public static final String ANNOTATION_LB_IPV4 = "service.beta.kubernetes.io/azure-load-balancer-ipv4";
    /**
     * On the CoreDNS Deployment (not its pod template): the override hash whose rollout crashed or passed its progress
     * deadline. Tether does not restart CoreDNS for that override again until someone removes it.
     */
    public static final String ANNOTATION_ROLLOUT_FAILED = "tether.dev/coredns-rollout-failed";
    public static final String ANNOTATION_RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    /** On the CoreDNS pod template: hash of the override CoreDNS was last restarted for. Makes the restart level-triggered. */
    public static final String ANNOTATION_OVERRIDE_HASH = "tether.dev/coredns-override-sha256";
    /**
     * On kube-system/coredns-custom: the data keys Tether owns there ({@link #OVERRIDE_KEY}), written in the same merge
     * patch as the key itself. A cluster unlink removes only a key this names (docs/UNLINK.md).
     */
    public static final String ANNOTATION_OWNS_KEYS = "tether.dev/owns-keys";
    /**
     * On kube-system/coredns-custom: the link name the override serves, written in the same merge patch as the key. An
     * untagged cluster carries no link name otherwise; {@code {"link": ...}} unlinks find it by this (docs/UNLINK.md).
     */
    public static final String ANNOTATION_LINK = "tether.dev/link";

    /** The AKS Entra ID server application; tokens for this scope authenticate to Entra-enabled clusters. */
    public static final String AKS_SERVER_SCOPE = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";
}

// For AKS clusters that use Azure RBAC for Kubernetes authorization: a custom data-plane role with only what Tether
// does in a cluster (Services, ConfigMaps, Deployments: read and write; the exposure guard's ValidatingAdmissionPolicy
// and binding: read, write, delete), assigned on the cluster, so it applies in every namespace (not only kube-system):
// Services anywhere need it for tether.dev/private.
// Data action names: AKS maps a Kubernetes request to Microsoft.ContainerService/managedClusters/<group>/<resource>/<action>,
// with get/list/watch -> read, create/update/patch -> write, delete -> delete ("Azure permissions for Containers",
// https://learn.microsoft.com/azure/role-based-access-control/permissions/containers, e.g.
// .../admissionregistration.k8s.io/validatingwebhookconfigurations/read|write|delete in the same API group).
// Clusters with Kubernetes RBAC use infra/kubernetes/tether-rbac.yaml instead, which is narrower (kube-system only).

@description('Name of the AKS cluster in this resource group.')
param clusterName string

@description('Object id of Tether\'s managed identity.')
param principalId string

resource cluster 'Microsoft.ContainerService/managedClusters@2024-09-01' existing = {
  name: clusterName
}

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'tether-aks-data-plane')
  properties: {
    // Custom role names are unique per tenant (Entra directory), and resource group names repeat across subscriptions.
    roleName: 'Tether AKS data plane (${resourceGroup().name}, ${uniqueString(resourceGroup().id)})'
    description: 'Tether: Services, the coredns-custom ConfigMap and the coredns Deployment; reads CoreDNS pods and EndpointSlices (readiness); the exposure guard (ValidatingAdmissionPolicy and binding tether-exposure-guard).'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        dataActions: [
          'Microsoft.ContainerService/managedClusters/services/read'
          'Microsoft.ContainerService/managedClusters/services/write'
          'Microsoft.ContainerService/managedClusters/services/delete'
          'Microsoft.ContainerService/managedClusters/configmaps/read'
          'Microsoft.ContainerService/managedClusters/configmaps/write'
          'Microsoft.ContainerService/managedClusters/apps/deployments/read'
          'Microsoft.ContainerService/managedClusters/apps/deployments/write'
          'Microsoft.ContainerService/managedClusters/pods/read'
          'Microsoft.ContainerService/managedClusters/discovery.k8s.io/endpointslices/read'
          'Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/validatingadmissionpolicies/read'
          'Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/validatingadmissionpolicies/write'
          'Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/validatingadmissionpolicies/delete'
          'Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/validatingadmissionpolicybindings/read'
          'Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/validatingadmissionpolicybindings/write'
          'Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/validatingadmissionpolicybindings/delete'
        ]
      }
    ]
    assignableScopes: [resourceGroup().id]
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: cluster
  name: guid(cluster.id, principalId, role.id)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: role.id
  }
}

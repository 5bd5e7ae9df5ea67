// Links a private AKS cluster's private DNS zone (privatelink.<region>.azmk8s.io, or the cluster's own private DNS
// zone) to Tether's VNet, so that Tether resolves the API server's private FQDN. Deployed in the zone's resource group.
// AKS docs "Create a private AKS cluster": to reach the API server from another VNet, peer the VNets and link the zone.

@description('Name of the private DNS zone in this resource group.')
param zoneName string

@description('Id of Tether\'s VNet.')
param vnetId string

@description('Tags.')
param tags object

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' existing = {
  name: zoneName
}

resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: 'tether-${uniqueString(vnetId)}'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnetId }
  }
}

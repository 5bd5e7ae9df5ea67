// Optional: a static outbound IP for Tether, for AKS clusters whose API server accepts only authorized IP ranges.
// A NAT gateway with one public IP is attached to Tether's own integration subnet (tetherSubnetId); with route-all on
// the Function App, all of Tether's outbound traffic leaves from that IP. Deployed in the subnet's resource group.
// AKS docs: "Secure access to the API server using authorized IP address ranges"; App Service docs: "Azure NAT
// Gateway integration" (the NAT gateway must be in the integration subnet's region and is attached to the subnet).

@description('Name prefix.')
param name string

@description('Region of Tether\'s integration subnet.')
param location string

@description('Tags.')
param tags object

@description('Name of the VNet holding Tether\'s integration subnet (in this resource group).')
param vnetName string

@description('Name of Tether\'s integration subnet, delegated to Microsoft.Web/serverFarms.')
param subnetName string

resource ip 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-${name}-outbound'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource nat 'Microsoft.Network/natGateways@2024-05-01' = {
  name: 'ng-${name}'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [{ id: ip.id }]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: vnetName
}

resource subnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {
  parent: vnet
  name: subnetName
}

// A subnet PUT replaces the subnet: write back everything it has, plus the NAT gateway.
resource subnetWithNat 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {
  parent: vnet
  name: subnetName
  properties: union(subnet.properties, { natGateway: { id: nat.id } })
}

output outboundIp string = ip.properties.ipAddress

// Lets each system topic's identity write dead letters into Tether's storage account (no shared keys).

@description('Tether\'s storage account.')
param storageAccountName string

@description('Object ids of the system topics\' identities.')
param principalIds array

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource access 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in principalIds: {
  scope: storage
  name: guid(storage.id, p, storageBlobDataContributor)
  properties: {
    principalId: p
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}]

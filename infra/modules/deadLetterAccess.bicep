// Lets each system topic's identity write dead letters into Tether's storage account (no shared keys): the subscription
// topics', and with the resources event source the resources topics' too.

@description('Tether\'s storage account.')
param storageAccountName string

@description('Object ids of the subscription system topics\' identities.')
param principalIds array

@description('Per scoped subscription, the object ids of its resources topic\'s identity: one with eventSource resourceNotifications, none without.')
param resourcesTopicPrincipalIds array = []

var writers = concat(principalIds, flatten(resourcesTopicPrincipalIds))

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource access 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in writers: {
  scope: storage
  name: guid(storage.id, p, storageBlobDataContributor)
  properties: {
    principalId: p
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}]

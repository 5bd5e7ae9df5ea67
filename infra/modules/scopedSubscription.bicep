// Per scoped subscription: Tether's role assignment and the Event Grid system topic on the subscription.
targetScope = 'subscription'

@description('Region for the events resource group (system topics on subscriptions are global).')
param location string

@description('Resource group for the system topic.')
param resourceGroupName string

@description('Tags for every resource.')
param tags object

@description('GUID of the Tether custom role (defined once in the first scoped subscription, assignable in all).')
param roleGuid string

@description('Object id of Tether\'s managed identity.')
param principalId string

resource eventsRg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleGuid)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleGuid)
  }
}

module topic 'systemTopic.bicep' = {
  scope: eventsRg
  name: 'tether-system-topic'
  params: {
    subscriptionId: subscription().subscriptionId
    tags: tags
  }
}

output topicName string = topic.outputs.name
output topicPrincipalId string = topic.outputs.principalId

// Per scoped subscription: Tether's role assignment and the Event Grid system topic on the subscription.
targetScope = 'subscription'

@description('Region for the events resource group (system topics on subscriptions are global).')
param location string

@description('Resource group for the system topic.')
param resourceGroupName string

@description('Tags for every resource.')
param tags object

@description('The Tether role definition id.')
param roleDefinitionId string

@description('Object id of Tether\'s managed identity.')
param principalId string

resource eventsRg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: roleDefinitionId
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

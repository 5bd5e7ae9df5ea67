// Per scoped subscription: Tether's role assignment and the Event Grid system topic on the subscription; with the
// resources event source, also Azure Resource Notifications' resources topic (preview).
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

@description('Id of an Event Grid system topic this subscription already has for Microsoft.Resources.Subscriptions (only one is allowed per source); empty: Tether creates its own. It needs a system-assigned identity: dead letters are written with it.')
param existingTopicId string = ''

@description('Also the Azure Resource Notifications resources topic (Microsoft.ResourceNotifications.Resources, preview): main.bicep eventSource resourceNotifications.')
param resourceNotifications bool = false

@description('Id of a Microsoft.ResourceNotifications.Resources system topic this subscription already has (only one is allowed per source); empty: Tether creates its own. It needs a system-assigned identity: dead letters are written with it.')
param existingResourceNotificationsTopicId string = ''

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

module topic 'systemTopic.bicep' = if (empty(existingTopicId)) {
  scope: eventsRg
  name: 'tether-system-topic'
  params: {
    name: 'tether-${subscription().subscriptionId}'
    subscriptionId: subscription().subscriptionId
    topicType: 'Microsoft.Resources.Subscriptions'
    tags: tags
  }
}

resource existingTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = if (!empty(existingTopicId)) {
  scope: resourceGroup(empty(existingTopicId) ? resourceGroupName : split(existingTopicId, '/')[4])
  name: empty(existingTopicId) ? 'none' : last(split(existingTopicId, '/'))
}

module resourcesTopic 'systemTopic.bicep' = if (resourceNotifications && empty(existingResourceNotificationsTopicId)) {
  scope: eventsRg
  name: 'tether-resources-topic'
  params: {
    name: 'tether-resources-${subscription().subscriptionId}'
    subscriptionId: subscription().subscriptionId
    topicType: 'Microsoft.ResourceNotifications.Resources'
    tags: tags
  }
}

resource existingResourcesTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = if (resourceNotifications && !empty(existingResourceNotificationsTopicId)) {
  scope: resourceGroup(empty(existingResourceNotificationsTopicId) ? resourceGroupName : split(existingResourceNotificationsTopicId, '/')[4])
  name: empty(existingResourceNotificationsTopicId) ? 'none' : last(split(existingResourceNotificationsTopicId, '/'))
}

output topicName string = empty(existingTopicId) ? topic.outputs.name : existingTopic.name
output topicPrincipalId string = empty(existingTopicId) ? topic.outputs.principalId : existingTopic.identity.principalId
// Without the resources event source: no name, no identity.
output resourcesTopicName string = !resourceNotifications ? '' : (empty(existingResourceNotificationsTopicId) ? resourcesTopic.outputs.name : existingResourcesTopic.name)
output resourcesTopicPrincipalIds array = !resourceNotifications ? [] : [empty(existingResourceNotificationsTopicId) ? resourcesTopic.outputs.principalId : existingResourcesTopic.identity.principalId]

// An Event Grid system topic on one subscription: ARM's notifications (Microsoft.Resources.Subscriptions), or Azure
// Resource Notifications' resources topic (Microsoft.ResourceNotifications.Resources, preview), which carries the
// resource's payload, tags included.

@description('Name of the topic.')
param name string

@description('The subscription whose resource events the topic publishes.')
param subscriptionId string

@description('Microsoft.Resources.Subscriptions or Microsoft.ResourceNotifications.Resources.')
@allowed(['Microsoft.Resources.Subscriptions', 'Microsoft.ResourceNotifications.Resources'])
param topicType string

@description('Tags for the topic.')
param tags object

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: 'global'
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: '/subscriptions/${subscriptionId}'
    topicType: topicType
  }
}

output name string = topic.name
output principalId string = topic.identity.principalId

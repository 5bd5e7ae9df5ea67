// The Event Grid system topic that publishes ARM notifications of one subscription.

@description('The subscription whose resource events the topic publishes.')
param subscriptionId string

@description('Tags for the topic.')
param tags object

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'tether-${subscriptionId}'
  location: 'global'
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: '/subscriptions/${subscriptionId}'
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

output name string = topic.name
output principalId string = topic.identity.principalId

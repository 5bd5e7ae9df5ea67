// Delivers exactly the notifications Tether handles to its Event Grid-triggered function, one event per invocation,
// with retries and dead-lettering. One per topic: the subscription topic's (filtered on data.operationName) and, with
// the resources event source, the resources topic's (filtered on data.resourceInfo.type).

@description('The system topic on the scoped subscription: Microsoft.Resources.Subscriptions or Microsoft.ResourceNotifications.Resources.')
param systemTopicName string

@description('Resource id of the OnResourceEvent function.')
param functionResourceId string

@description('The event type Tether takes from this topic, from infra/generated/tether-contract.json: Microsoft.Resources.ResourceWriteSuccess (eventType) or Microsoft.ResourceNotifications.Resources.CreatedOrUpdated (resourceNotificationsEventType).')
param eventType string

@description('The event field the StringIn filter reads: data.operationName (subscription topic) or data.resourceInfo.type (resources topic).')
@allowed(['data.operationName', 'data.resourceInfo.type'])
param filterKey string

@description('The values it lets through, from infra/generated/tether-contract.json: the operations (handledOperations or tagOperations) or the resource types (notifiedTypes). Event Grid compares strings case-insensitively.')
param filterValues array

@description('Resource id of the dead-letter blob container.')
param deadLetterContainerId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

resource subscriptionToTether 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'tether'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionResourceId
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [eventType]
      enableAdvancedFilteringOnArrays: true
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: filterKey
          values: filterValues
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: split(deadLetterContainerId, '/blobServices/')[0]
          blobContainerName: last(split(deadLetterContainerId, '/'))
        }
      }
    }
  }
}

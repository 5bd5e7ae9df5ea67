// Delivers exactly the notifications Tether handles to its Event Grid-triggered function, one event per invocation,
// with retries and dead-lettering.

@description('The system topic on the scoped subscription.')
param systemTopicName string

@description('Resource id of the OnResourceEvent function.')
param functionResourceId string

@description('The event type Tether handles (Microsoft.Resources.ResourceWriteSuccess).')
param eventType string

@description('The ARM operations Tether handles, from infra/generated/tether-contract.json (EventRouter.HANDLED_OPERATIONS).')
param operations array

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
          key: 'data.operationName'
          values: operations
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

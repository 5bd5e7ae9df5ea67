// Tether's identity gets data access to its own task hub in the Durable Task Scheduler, and nothing else there.
// Source: Microsoft Learn "Configure managed identity for Durable Task Scheduler": the role is
// "Durable Task Data Contributor" (built-in role 0ad04412-c4d5-4796-b79c-f76d14c8d402); task-hub scope is the
// least-privilege choice (scheduler scope would reach every task hub of the scheduler).

@description('Scheduler that holds the task hub.')
param schedulerName string

@description('Tether\'s task hub.')
param taskHubName string

@description('Principal id of the identity Tether runs as.')
param principalId string

var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' existing = {
  name: schedulerName
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' existing = {
  parent: scheduler
  name: taskHubName
}

resource dataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: taskHub
  name: guid(taskHub.id, principalId, durableTaskDataContributor)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
  }
}

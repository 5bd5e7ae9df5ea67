// Optional backend for Tether's Durable Functions: the Durable Task Scheduler (a managed service) instead of the Azure
// Storage task hub. main.bicep deploys this module only when durableBackend is 'scheduler'; docs/DEPLOY-SCALE.md says
// when to switch, with Microsoft's published limits for each backend.
//
// Sources (Microsoft Learn, Durable Task Scheduler):
//  - resource types Microsoft.DurableTask/schedulers and schedulers/taskHubs, API 2025-11-01; sku Dedicated
//    (capacity 1..3 capacity units) or Consumption; ipAllowlist is required ("durable-task-scheduler", "develop with").
//  - the app authenticates with a managed identity only (durableTaskSchedulerAccess.bicep assigns its role).
//  - the app reaches it through DURABLE_TASK_SCHEDULER_CONNECTION_STRING =
//    Endpoint=<scheduler endpoint>;Authentication=ManagedIdentity;ClientID=<identity client id>.

@description('Short name used to derive resource names.')
param name string

@description('Azure region (Microsoft recommends the Function App\'s region).')
param location string

@description('Tags for every resource.')
param tags object

@description('Task hub name (the Function App\'s durableTask hubName).')
param taskHubName string

@description('Scheduler SKU: Dedicated (fixed capacity units, up to 2,000 actions/s each) or Consumption (pay per action, up to 500 actions/s).')
@allowed(['Dedicated', 'Consumption'])
param skuName string = 'Dedicated'

@description('Capacity units of a Dedicated scheduler (1..3; 3 for high availability). Ignored for Consumption.')
@minValue(1)
@maxValue(3)
param capacity int = 1

var suffix = uniqueString(resourceGroup().id, name)

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: take('dts-${name}-${suffix}', 64)
  location: location
  tags: tags
  properties: {
    // Tether reaches the scheduler from the Functions host over TLS with its managed identity; the allow list is the
    // network filter on top. Private endpoints are the way to close it entirely (not part of this template).
    ipAllowlist: ['0.0.0.0/0']
    sku: skuName == 'Dedicated' ? { name: 'Dedicated', capacity: capacity } : { name: 'Consumption' }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
  properties: {}
}

output schedulerId string = scheduler.id
output schedulerName string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name

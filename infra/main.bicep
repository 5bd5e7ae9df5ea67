// Tether: one deployment at subscription scope.
//   az deployment sub create -l <region> -f infra/main.bicep -p scopeSubscriptionIds='["<sub-1>","<sub-2>"]'
// or `azd up` (see azure.yaml). The contract (event filter, role actions, settings) is generated from the code.
targetScope = 'subscription'

@description('Short name used for the resource group and resources (3-12 lowercase letters or digits).')
@minLength(3)
@maxLength(12)
param name string = 'tether'

@description('Azure region for Tether itself.')
param location string = deployment().location

@description('Subscriptions Tether may read and change (TETHER_SUBSCRIPTIONS). Each gets an Event Grid system topic and the Tether role. The first one also holds the role definition.')
@minLength(1)
param scopeSubscriptionIds array

@description('Resource group created in each scoped subscription for its Event Grid system topic.')
param eventsResourceGroupName string = '${name}-events'

@description('Create the Event Grid subscriptions. They need the OnResourceEvent function to exist, so azd sets this to true after the first code deploy (postdeploy hook).')
param deployEventSubscriptions bool = false

@description('Entra tenant of the scoped subscriptions; empty lets azure-identity use the managed identity\'s tenant.')
param tenantId string = ''

@description('TETHER_SUBNET_PREFIX_LENGTH: size of the integration subnets Tether creates (16..28).')
@minValue(16)
@maxValue(28)
param subnetPrefixLength int = 27

@description('TETHER_SUBNET_NAME_PREFIX: prefix of the integration subnet created for a plan.')
param subnetNamePrefix string = 'tether-'

@description('TETHER_DNS_WAIT_TIMEOUT: how long a link waits for the DNS load balancer IP (ISO-8601).')
param dnsWaitTimeout string = 'PT10M'

@description('TETHER_DNS_POLL_INTERVAL: how often a link checks for that IP (ISO-8601).')
param dnsPollInterval string = 'PT15S'

@description('TETHER_DNS_ALT_SERVER: optional WEBSITE_DNS_ALT_SERVER, e.g. 168.63.129.16.')
param dnsAltServer string = ''

@description('TETHER_RETRY_MAX_ATTEMPTS: durable retries of a transiently failed step.')
@minValue(1)
param retryMaxAttempts int = 5

@description('TETHER_RETRY_FIRST_INTERVAL: first durable retry delay (ISO-8601); doubles per attempt, at most 5 minutes.')
param retryFirstInterval string = 'PT5S'

@description('TETHER_CLUSTER_CLIENT_TTL: how long a cluster\'s Kubernetes client is reused (ISO-8601).')
param clusterClientTtl string = 'PT10M'

@description('TETHER_SERVICE_PARALLELISM: Services of one cluster made internal at once (1..50).')
@minValue(1)
@maxValue(50)
param serviceParallelism int = 5

@description('TETHER_DRIFT_SCHEDULE: NCRONTAB schedule of the drift scan.')
param driftSchedule string = '0 */15 * * * *'

@description('TETHER_DRIFT_READ_SHARE: share of ARM\'s read budget Tether may spend, the drift scan and every step that reads ARM (0.05..1).')
param driftReadShare string = '0.5'

@description('TETHER_ARM_LRO_TIMEOUT: how long a long-running ARM operation may stay InProgress (ISO-8601).')
param armLroTimeout string = 'PT5M'

@description('AKS clusters using Azure RBAC for Kubernetes authorization: Tether gets a namespace-scoped data-plane role in kube-system of each. Clusters using Kubernetes RBAC use infra/kubernetes/tether-rbac.yaml instead.')
param azureRbacClusterIds array = []

@description('Backend of Tether\'s durable task hub: azureStorage (the default: the task hub in Tether\'s storage account) or scheduler (the managed Durable Task Scheduler; docs/DEPLOY-SCALE.md says when).')
@allowed(['azureStorage', 'scheduler'])
param durableBackend string = 'azureStorage'

@description('Durable Task Scheduler SKU when durableBackend is scheduler: Dedicated (capacity units) or Consumption.')
@allowed(['Dedicated', 'Consumption'])
param schedulerSku string = 'Dedicated'

@description('Capacity units of a Dedicated scheduler (1..3; 3 for high availability).')
@minValue(1)
@maxValue(3)
param schedulerCapacity int = 1

@description('Tags for every resource Tether\'s deployment creates.')
param tags object = {}

var contract = loadJsonContent('generated/tether-contract.json')
var allTags = union(tags, { 'azd-env-name': name, 'app.kubernetes.io/managed-by': 'tether' })

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${name}-rg'
  location: location
  tags: allTags
}

// The task hub's name is host.json's, whichever backend holds it.
var taskHubName = loadJsonContent('../host.json').extensions.durableTask.hubName

module scheduler 'modules/durableTaskScheduler.bicep' = if (durableBackend == 'scheduler') {
  scope: rg
  name: 'tether-durable-task-scheduler'
  params: {
    name: name
    location: location
    tags: allTags
    taskHubName: taskHubName
    skuName: schedulerSku
    capacity: schedulerCapacity
  }
}

module schedulerAccess 'modules/durableTaskSchedulerAccess.bicep' = if (durableBackend == 'scheduler') {
  scope: rg
  name: 'tether-durable-task-scheduler-access'
  params: {
    schedulerName: scheduler.outputs.schedulerName
    taskHubName: taskHubName
    principalId: app.outputs.identityPrincipalId
  }
}

module app 'modules/app.bicep' = {
  scope: rg
  name: 'tether-app'
  params: {
    name: name
    location: location
    tags: allTags
    durableTaskSchedulerEndpoint: durableBackend == 'scheduler' ? scheduler.outputs.endpoint : ''
    tetherSettings: {
      TETHER_SUBSCRIPTIONS: join(scopeSubscriptionIds, ',')
      TETHER_TENANT_ID: tenantId
      TETHER_SUBNET_PREFIX_LENGTH: string(subnetPrefixLength)
      TETHER_SUBNET_NAME_PREFIX: subnetNamePrefix
      TETHER_DNS_WAIT_TIMEOUT: dnsWaitTimeout
      TETHER_DNS_POLL_INTERVAL: dnsPollInterval
      TETHER_DNS_ALT_SERVER: dnsAltServer
      TETHER_RETRY_MAX_ATTEMPTS: string(retryMaxAttempts)
      TETHER_RETRY_FIRST_INTERVAL: retryFirstInterval
      TETHER_CLUSTER_CLIENT_TTL: clusterClientTtl
      TETHER_SERVICE_PARALLELISM: string(serviceParallelism)
      TETHER_DRIFT_SCHEDULE: driftSchedule
      TETHER_DRIFT_READ_SHARE: driftReadShare
      TETHER_ARM_LRO_TIMEOUT: armLroTimeout
    }
  }
}

module role 'modules/tetherRole.bicep' = {
  scope: subscription(scopeSubscriptionIds[0])
  name: 'tether-role'
  params: {
    roleName: 'Tether link operator (${name})'
    actions: contract.roleActions
    assignableScopes: [for s in scopeSubscriptionIds: '/subscriptions/${s}']
  }
}

module scoped 'modules/scopedSubscription.bicep' = [for s in scopeSubscriptionIds: {
  scope: subscription(s)
  name: 'tether-scope-${uniqueString(s)}'
  params: {
    location: location
    resourceGroupName: eventsResourceGroupName
    tags: allTags
    roleGuid: role.outputs.roleGuid
    principalId: app.outputs.identityPrincipalId
  }
}]

module deadLetterAccess 'modules/deadLetterAccess.bicep' = {
  scope: rg
  name: 'tether-dead-letter-access'
  params: {
    storageAccountName: app.outputs.storageAccountName
    principalIds: [for (s, i) in scopeSubscriptionIds: scoped[i].outputs.topicPrincipalId]
  }
}

module events 'modules/eventSubscription.bicep' = [for (s, i) in scopeSubscriptionIds: if (deployEventSubscriptions) {
  scope: resourceGroup(s, eventsResourceGroupName)
  name: 'tether-events-${uniqueString(s)}'
  dependsOn: [deadLetterAccess]
  params: {
    systemTopicName: scoped[i].outputs.topicName
    functionResourceId: '${app.outputs.functionAppId}/functions/${contract.eventFunctionName}'
    eventType: contract.eventType
    operations: contract.handledOperations
    deadLetterContainerId: app.outputs.deadLetterContainerId
  }
}]

module clusterAccess 'modules/aksAzureRbac.bicep' = [for c in azureRbacClusterIds: {
  scope: resourceGroup(split(c, '/')[2], split(c, '/')[4])
  name: 'tether-aks-${uniqueString(c)}'
  params: {
    clusterName: last(split(c, '/'))
    principalId: app.outputs.identityPrincipalId
  }
}]

output AZURE_FUNCTION_APP_NAME string = app.outputs.functionAppName
output AZURE_RESOURCE_GROUP string = rg.name
output TETHER_IDENTITY_CLIENT_ID string = app.outputs.identityClientId
output TETHER_IDENTITY_PRINCIPAL_ID string = app.outputs.identityPrincipalId
output TETHER_ROLE_DEFINITION_ID string = role.outputs.roleDefinitionId

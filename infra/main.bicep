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

@description('TETHER_ON_UNTAG: what removing private-link from an app does: report (default) or unlink after TETHER_UNTAG_GRACE (docs/UNLINK.md).')
@allowed(['report', 'unlink'])
param onUntag string = 'report'

@description('TETHER_UNTAG_GRACE: with TETHER_ON_UNTAG=unlink, how long an untagged app waits before its unlink; a re-tag within it cancels (ISO-8601).')
param untagGrace string = 'PT15M'

@description('AKS clusters using Azure RBAC for Kubernetes authorization: Tether gets a custom data-plane role assigned on each cluster, so it applies in every namespace (Services anywhere for tether.dev/private, the coredns-custom ConfigMap and the coredns Deployment in kube-system). Clusters using Kubernetes RBAC use infra/kubernetes/tether-rbac.yaml instead, which is narrower.')
param azureRbacClusterIds array = []

@description('Private clusters: a subnet for Tether\'s own regional VNet integration, delegated to Microsoft.Web/serverFarms, in the cluster\'s VNet or a VNet peered with it. Empty: Tether has no VNet, and private clusters are refused in the pre-flight. See docs/PRIVATE-CLUSTERS.md.')
param tetherSubnetId string = ''

@description('Private clusters: ids of their private DNS zones (privatelink.<region>.azmk8s.io) to link to Tether\'s VNet. Needed when tetherSubnetId is not in the cluster\'s own VNet.')
param privateDnsZoneIds array = []

@description('Private clusters: VNets peered with Tether\'s VNet whose private clusters Tether may reach (their zones in privateDnsZoneIds).')
param peeredVnetIds array = []

@description('Authorized IP ranges: give Tether a static outbound IP through a NAT gateway on tetherSubnetId (output TETHER_OUTBOUND_IP); add it to each cluster\'s --api-server-authorized-ip-ranges.')
param natGateway bool = false

@description('Subscriptions that already have an Event Grid system topic for Microsoft.Resources.Subscriptions (only one is allowed per subscription): subscription id -> topic resource id. Tether attaches its event subscription to that topic instead of creating one; the topic needs a system-assigned identity for dead-lettering. Find it with: az eventgrid system-topic list --query "[?topicType==\'Microsoft.Resources.Subscriptions\' && source==\'/subscriptions/<sub>\'].id" -o tsv')
param existingSystemTopicIds object = {}

@description('Where the trigger takes resource events from. subscription (the default, GA): the Microsoft.Resources.Subscriptions topic\'s ResourceWriteSuccess, which carries no tags, so the trigger reads the resource from ARM. resourceNotifications (preview): Azure Resource Notifications\' resources topic (Microsoft.ResourceNotifications.Resources), whose CreatedOrUpdated event carries the resource with its tags, for the types in the contract\'s notifiedTypes; the subscription topic then delivers only tag writes (tagOperations). The deployer needs Microsoft.ResourceNotifications/systemTopics/subscribeToResources/action. See docs/DEPLOY.md.')
@allowed(['subscription', 'resourceNotifications'])
param eventSource string = 'subscription'

@description('With eventSource resourceNotifications: subscriptions that already have a Microsoft.ResourceNotifications.Resources system topic (only one is allowed per source): subscription id -> topic resource id. Tether attaches its event subscription to that topic instead of creating one; the topic needs a system-assigned identity for dead-lettering. Ignored with eventSource subscription. List a subscription\'s system topics with: az eventgrid system-topic list --query "[?source==\'/subscriptions/<sub>\'].[topicType, id]" -o tsv')
param existingResourceNotificationsTopicIds object = {}

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
var tetherVnetId = empty(tetherSubnetId) ? '' : substring(tetherSubnetId, 0, lastIndexOf(toLower(tetherSubnetId), '/subnets/'))
var tetherVnets = empty(tetherSubnetId) ? [] : union([tetherVnetId], peeredVnetIds)
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
      TETHER_ON_UNTAG: onUntag
      TETHER_UNTAG_GRACE: untagGrace
      TETHER_NETWORK_VNETS: join(tetherVnets, ',')
      TETHER_OUTBOUND_IPS: natGateway ? network.outputs.outboundIp : ''
    }
    subnetId: tetherSubnetId
  }
}

module network 'modules/tetherNetwork.bicep' = if (natGateway) {
  scope: resourceGroup(split(tetherSubnetId, '/')[2], split(tetherSubnetId, '/')[4])
  name: 'tether-network'
  params: {
    name: name
    location: location
    tags: allTags
    vnetName: split(tetherSubnetId, '/')[8]
    subnetName: last(split(tetherSubnetId, '/'))
  }
}

module zoneLinks 'modules/privateDnsZoneLink.bicep' = [for z in privateDnsZoneIds: if (!empty(tetherSubnetId)) {
  scope: resourceGroup(split(z, '/')[2], split(z, '/')[4])
  name: 'tether-zone-${uniqueString(z)}'
  params: {
    zoneName: last(split(z, '/'))
    vnetId: tetherVnetId
    tags: allTags
  }
}]

module role 'modules/tetherRole.bicep' = {
  scope: subscription(scopeSubscriptionIds[0])
  name: 'tether-role'
  params: {
    roleName: 'Tether link operator (${name}, ${uniqueString(scopeSubscriptionIds[0], name)})'
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
    existingTopicId: contains(existingSystemTopicIds, s) ? existingSystemTopicIds[s] : ''
    resourceNotifications: eventSource == 'resourceNotifications'
    existingResourceNotificationsTopicId: contains(existingResourceNotificationsTopicIds, s) ? existingResourceNotificationsTopicIds[s] : ''
  }
}]

module deadLetterAccess 'modules/deadLetterAccess.bicep' = {
  scope: rg
  name: 'tether-dead-letter-access'
  params: {
    storageAccountName: app.outputs.storageAccountName
    principalIds: [for (s, i) in scopeSubscriptionIds: scoped[i].outputs.topicPrincipalId]
    resourcesTopicPrincipalIds: [for (s, i) in scopeSubscriptionIds: scoped[i].outputs.resourcesTopicPrincipalIds]
  }
}

module events 'modules/eventSubscription.bicep' = [for (s, i) in scopeSubscriptionIds: if (deployEventSubscriptions) {
  // The event subscription lives next to its topic: Tether's own, or the subscription's existing one.
  scope: resourceGroup(s, contains(existingSystemTopicIds, s) ? split(existingSystemTopicIds[s], '/')[4] : eventsResourceGroupName)
  name: 'tether-events-${uniqueString(s)}'
  dependsOn: [deadLetterAccess]
  params: {
    systemTopicName: scoped[i].outputs.topicName
    functionResourceId: '${app.outputs.functionAppId}/functions/${contract.eventFunctionName}'
    eventType: contract.eventType
    filterKey: 'data.operationName'
    // With the resources topic, it carries the writes of the resources themselves: this one keeps the tag writes
    // through the Tags API, which carry no payload and have no resources-topic event Microsoft documents.
    filterValues: eventSource == 'resourceNotifications' ? contract.tagOperations : contract.handledOperations
    deadLetterContainerId: app.outputs.deadLetterContainerId
  }
}]

module resourceEvents 'modules/eventSubscription.bicep' = [for (s, i) in scopeSubscriptionIds: if (deployEventSubscriptions && eventSource == 'resourceNotifications') {
  // Next to the resources topic: Tether's own, or the subscription's existing one.
  scope: resourceGroup(s, contains(existingResourceNotificationsTopicIds, s) ? split(existingResourceNotificationsTopicIds[s], '/')[4] : eventsResourceGroupName)
  name: 'tether-resource-events-${uniqueString(s)}'
  dependsOn: [deadLetterAccess]
  params: {
    systemTopicName: scoped[i].outputs.resourcesTopicName
    functionResourceId: '${app.outputs.functionAppId}/functions/${contract.eventFunctionName}'
    eventType: contract.resourceNotificationsEventType
    filterKey: 'data.resourceInfo.type'
    filterValues: contract.notifiedTypes
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
output TETHER_OUTBOUND_IP string = natGateway ? network.outputs.outboundIp : ''

// Tether's own resources in one resource group: identity, storage (durable task hub and dead letters),
// monitoring, an Elastic Premium plan and the Linux Java 17 Function App.

@description('Short name used to derive resource names.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Tether settings (TetherConfig.SETTINGS) as app settings, by name. AZURE_CLIENT_ID is added here.')
param tetherSettings object

@description('Optional: Tether\'s own regional VNet integration subnet (delegated to Microsoft.Web/serverFarms), for private clusters and a NAT gateway\'s static outbound IP. Empty: no VNet integration.')
param subnetId string = ''

@description('Elastic Premium size. EP1 is enough: Tether is I/O bound and Durable Functions scale out on it.')
@allowed(['EP1', 'EP2', 'EP3'])
param planSku string = 'EP1'

@description('Endpoint of the Durable Task Scheduler holding Tether\'s task hub (main.bicep durableBackend: scheduler). Empty: the Azure Storage task hub.')
param durableTaskSchedulerEndpoint string = ''

var suffix = uniqueString(resourceGroup().id, name)
var storageName = take('st${replace(name, '-', '')}${suffix}', 24)
var deadLetterContainer = 'eventgrid-deadletters'

// Built-in roles the identity needs on the storage account for identity-based AzureWebJobsStorage (Durable Functions
// uses blobs, queues and tables) and on Application Insights for Entra-authenticated telemetry.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}-${suffix}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

// Elastic Premium mounts the app's code from an Azure Files share, and Azure Files as a Functions content share only
// works with an account key. So a second account keeps shared keys and holds only the deployed package; its key is
// read here and never output. Durable state and dead letters stay in the keyless account above.
resource content 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('stc${replace(name, '-', '')}${suffix}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource contentFiles 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: content
  name: 'default'
}

resource contentShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: contentFiles
  name: toLower('${name}-content')
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deadLetters 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deadLetterContainer
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor]: {
  scope: storage
  name: guid(storage.id, identity.id, role)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identity.id, monitoringMetricsPublisher)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}-${suffix}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: 5
  }
}

var platformSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'java'
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  AZURE_CLIENT_ID: identity.properties.clientId
  WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: 'DefaultEndpointsProtocol=https;AccountName=${content.name};EndpointSuffix=${environment().suffixes.storage};AccountKey=${content.listKeys().keys[0].value}'
  WEBSITE_CONTENTSHARE: contentShare.name
}

// The scheduler backend changes host.json through app settings (AzureFunctionsJobHost__<path>), so one host.json
// serves both backends: the storage provider, and the extension bundle that carries the scheduler's provider for
// Java (docs/DEPLOY-SCALE.md). DurableBackendInfraTest checks these against host.json and the Microsoft docs' values.
var durableBackendSettings = empty(durableTaskSchedulerEndpoint) ? {} : {
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
  AzureFunctionsJobHost__extensionBundle__id: 'Microsoft.Azure.Functions.ExtensionBundle.Preview'
  AzureFunctionsJobHost__extensionBundle__version: '[4.29.0, 5.0.0)'
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identity.properties.clientId}'
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${name}-${suffix}'
  location: location
  tags: union(tags, { 'azd-service-name': 'tether' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Route-all sends all outbound traffic (the private API server, and public ones through the NAT gateway) into the VNet.
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    vnetRouteAllEnabled: !empty(subnetId)
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'Java|17'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      alwaysOn: false
      // With the scheduler on Elastic Premium, the app scales on the scheduler's load only with runtime scale monitoring.
      functionsRuntimeScaleMonitoringEnabled: !empty(durableTaskSchedulerEndpoint)
      appSettings: [for s in items(union(platformSettings, durableBackendSettings, tetherSettings)): {
        name: s.key
        value: s.value
      }]
    }
  }
  dependsOn: [storageRoles, insightsRole]
}

output functionAppId string = functionApp.id
output functionAppName string = functionApp.name
output identityPrincipalId string = identity.properties.principalId
output identityClientId string = identity.properties.clientId
output storageAccountName string = storage.name
output storageAccountId string = storage.id
output deadLetterContainerName string = deadLetterContainer
output deadLetterContainerId string = deadLetters.id

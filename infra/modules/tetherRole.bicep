// The least-privilege custom role: exactly the ARM actions Tether's gateways call (ArmOperation), nothing else.
targetScope = 'subscription'

@description('Role name, unique in the tenant.')
param roleName string

@description('The ARM actions Tether calls, from infra/generated/tether-contract.json.')
param actions array

@description('The scoped subscriptions, as /subscriptions/<id>.')
param assignableScopes array

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, roleName)
  properties: {
    roleName: roleName
    description: 'Lets Tether link App Services privately to AKS: read sites, plans, clusters and VNets; write integration subnets, site VNet integration and app settings.'
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

@description('The role\'s GUID: the same custom role is addressed as /subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid> in each assignable subscription.')
output roleGuid string = role.name
output roleDefinitionId string = role.id

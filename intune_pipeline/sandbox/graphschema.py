"""Properties of Graph's microsoft.graph.user type, as far as $select is concerned."""

# Graph answers these when a request has no $select, in this order.
DEFAULT_SELECT = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)

# Collections come back as [] rather than null when unset.
_COLLECTIONS = """
    businessPhones assignedLicenses assignedPlans identities imAddresses interests otherMails
    pastProjects provisionedPlans proxyAddresses responsibilities schools skills
    onPremisesProvisioningErrors licenseAssignmentStates
"""
COLLECTIONS = frozenset(_COLLECTIONS.split())

_USER_PROPERTIES = """
    aboutMe accountEnabled ageGroup assignedLicenses assignedPlans birthday businessPhones
    city companyName consentProvidedForMinor country createdDateTime creationType
    deletedDateTime department displayName employeeHireDate employeeId employeeLeaveDateTime
    employeeOrgData employeeType externalUserState externalUserStateChangeDateTime faxNumber
    givenName hireDate id identities imAddresses interests isResourceAccount jobTitle
    lastPasswordChangeDateTime legalAgeGroupClassification licenseAssignmentStates mail
    mailNickname mailboxSettings mobilePhone mySite officeLocation onPremisesDistinguishedName
    onPremisesDomainName onPremisesExtensionAttributes onPremisesImmutableId
    onPremisesLastSyncDateTime onPremisesProvisioningErrors onPremisesSamAccountName
    onPremisesSecurityIdentifier onPremisesSyncEnabled onPremisesUserPrincipalName otherMails
    passwordPolicies passwordProfile pastProjects postalCode preferredDataLocation
    preferredLanguage preferredName provisionedPlans proxyAddresses responsibilities schools
    securityIdentifier showInAddressList signInActivity signInSessionsValidFromDateTime skills
    state streetAddress surname usageLocation userPrincipalName userType
"""
USER_PROPERTIES = frozenset(_USER_PROPERTIES.split())


def unset_value(prop: str):
    """What Graph shows for a property the user has no value for."""
    return [] if prop in COLLECTIONS else None

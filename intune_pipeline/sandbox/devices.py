"""Intune managed devices of a tenant's users, deterministic for (users, seed)."""

import random

from intune_pipeline.collector import collector_paused
from intune_pipeline.sandbox.people import new_uuid, pick

# microsoft.graph.managedDevice, in the order Graph lists them; all come back without $select.
_DEVICE_PROPERTIES = """
    id userId deviceName managedDeviceOwnerType enrolledDateTime lastSyncDateTime
    operatingSystem complianceState jailBroken managementAgent osVersion easActivated
    easDeviceId easActivationDateTime azureADRegistered deviceEnrollmentType
    activationLockBypassCode emailAddress azureADDeviceId deviceRegistrationState
    deviceCategoryDisplayName isSupervised exchangeLastSuccessfulSyncDateTime
    exchangeAccessState exchangeAccessStateReason remoteAssistanceSessionUrl
    remoteAssistanceSessionErrorDetails isEncrypted userPrincipalName model manufacturer imei
    complianceGracePeriodExpirationDateTime serialNumber phoneNumber androidSecurityPatchLevel
    userDisplayName wiFiMacAddress subscriberCarrier meid totalStorageSpaceInBytes
    freeStorageSpaceInBytes managedDeviceName partnerReportedThreatState iccid udid notes
    ethernetMacAddress physicalMemoryInBytes enrollmentProfileName
"""
DEVICE_PROPERTIES = tuple(_DEVICE_PROPERTIES.split())
NEVER = "0001-01-01T00:00:00Z"  # what Intune shows for a date it never recorded
# (operatingSystem, osVersions, (manufacturer, model) pairs, enrollment type, share of devices)
PLATFORMS = [
    ("Windows", ("10.0.22631.4460", "10.0.19045.5131", "10.0.26100.2314"),
     (("Dell Inc.", "Latitude 7440"), ("LENOVO", "21HD"), ("Microsoft Corporation",
     "Surface Laptop 5"), ("HP", "HP EliteBook 840 G10")), "windowsAzureADJoin", 0.55),
    ("iOS", ("17.6.1", "18.1", "18.1.1"), (("Apple", "iPhone 15"), ("Apple", "iPhone 14 Pro"),
     ("Apple", "iPhone 13")), "appleBulkWithUser", 0.2),
    ("macOS", ("14.7.1", "15.1"), (("Apple", "MacBook Pro (14-inch, M3)"),
     ("Apple", "MacBook Air (M2)")), "appleUserEnrollment", 0.12),
    ("Android", ("14", "13"), (("samsung", "SM-S911B"), ("Google", "Pixel 8")),
     "androidEnterpriseFullyManaged", 0.13),
]  # fmt: skip
COMPLIANCE = ["compliant"] * 16 + ["noncompliant", "noncompliant", "inGracePeriod", "unknown"]


TEMPLATE = dict.fromkeys(DEVICE_PROPERTIES)
TEMPLATE.update(
    managementAgent="mdm",
    easActivated=False,
    easActivationDateTime=NEVER,
    azureADRegistered=True,
    deviceRegistrationState="registered",
    exchangeLastSuccessfulSyncDateTime=NEVER,
    exchangeAccessState="none",
    exchangeAccessStateReason="none",
    complianceGracePeriodExpirationDateTime="9999-12-31T23:59:59Z",
    partnerReportedThreatState="unknown",
    physicalMemoryInBytes=0,
    easDeviceId="",
    imei="",
    phoneNumber="",
    androidSecurityPatchLevel="",
    meid="",
)


def new_device(rng: random.Random, user: dict | None, enrolled: str) -> dict:
    """One device of user, or a shared kiosk device without a user when user is None."""
    r = rng.random()
    for platform in PLATFORMS:
        if r < platform[4]:
            break
        r -= platform[4]
    os_name, versions, models, enrollment, _ = platform
    manufacturer, model = pick(rng, models)
    serial = f"{rng.getrandbits(40):010X}"
    device = TEMPLATE.copy()
    if user is None:
        owner = NO_OWNER
        name = f"KIOSK-{serial[:6]}" if os_name == "Windows" else f"Shared-{model}-{serial[:4]}"
        local, ownership = "kiosk", "company"
    else:
        owner = owner_fields(user)
        given = user.get("givenName") or "User"
        name = f"DESKTOP-{serial[:7]}" if os_name == "Windows" else f"{given}'s {model}"
        local = (owner["userPrincipalName"] or "user").split("@")[0]
        ownership = (
            "personal" if os_name in ("iOS", "Android") and rng.random() < 0.3 else "company"
        )
    device.update(owner)
    synced = f"2025-11-{int(rng.random() * 25) + 1:02d}T0{int(rng.random() * 10)}:14:07Z"
    device.update(
        id=new_uuid(rng),
        deviceName=name,
        managedDeviceName=f"{local}_{os_name}_{enrolled[:10]}",
        managedDeviceOwnerType=ownership,
        enrolledDateTime=enrolled,
        lastSyncDateTime=synced,
        operatingSystem=os_name,
        osVersion=pick(rng, versions),
        complianceState=pick(rng, COMPLIANCE),
        jailBroken="False" if os_name in ("iOS", "Android") else "Unknown",
        deviceEnrollmentType=enrollment,
        azureADDeviceId=new_uuid(rng),
        isSupervised=os_name == "iOS",
        isEncrypted=rng.random() < 0.95,
        model=model,
        manufacturer=manufacturer,
        serialNumber=serial,
        totalStorageSpaceInBytes=pick(rng, (128, 256, 512)) * 1_073_741_824,
        freeStorageSpaceInBytes=int(rng.random() * 100) * 1_073_741_824,
    )
    return device


def owner_fields(user: dict) -> dict[str, str]:
    """Intune's copy of its user's id, addresses and name ("" where the user has none)."""
    return {
        "userId": user["id"],
        "userPrincipalName": user.get("userPrincipalName") or "",
        "emailAddress": user.get("mail") or "",
        "userDisplayName": user.get("displayName") or "",
    }


NO_OWNER = dict.fromkeys(("userId", "userPrincipalName", "emailAddress", "userDisplayName"), "")


def owns_devices(user: dict) -> bool:
    """Enabled people (members with a name) are the ones who enrol devices."""
    enabled = user.get("accountEnabled") is not False
    return enabled and user.get("userType") == "Member" and bool(user.get("givenName"))


def devices_for(rng: random.Random, user: dict, enrolled: str) -> list[dict]:
    """Roughly 70 % of people own one device, and a sixth of those a second one."""
    if not owns_devices(user) or rng.random() >= 0.7:
        return []
    count = 2 if rng.random() < 0.16 else 1
    return [new_device(rng, user, enrolled) for _ in range(count)]


def generate_devices(users: list[dict], seed: int) -> list[dict]:
    """Devices in enrolment order; about 3 % of them shared kiosks without a user."""
    with collector_paused():
        return _generate(users, random.Random(f"devices-{seed}"))


def _generate(users: list[dict], rng: random.Random) -> list[dict]:
    devices = []
    for user in users:
        enrolled = (
            f"202{int(rng.random() * 5)}-0{int(rng.random() * 9) + 1}-1{int(rng.random() * 9)}"
        )
        enrolled += "T10:00:00Z"
        devices += devices_for(rng, user, enrolled)
        if rng.random() < 0.022:
            devices.append(new_device(rng, None, enrolled))
    return devices

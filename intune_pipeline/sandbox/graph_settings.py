"""The Graph emulator's settings in SandboxConfig, and their checks."""

import argparse
import re

from intune_pipeline.sandbox.inputs import InputError

DEFAULT_APP_PERMISSIONS = (
    "User.Read.All",
    "GroupMember.Read.All",
    "DeviceManagementManagedDevices.Read.All",
)
DELTA_TOKEN_TTL = 7 * 24 * 3600  # directory delta tokens last about 7 days
EXPIRY_STYLES = ("gone", "resync")
PERMISSION = re.compile(r"[A-Za-z]+(\.[A-Za-z]+)+")


def check_graph_settings(config) -> None:
    """Raise InputError naming the option for the first Graph setting out of range."""
    if not 1 <= config.delta_token_ttl <= 365 * 24 * 3600:
        raise InputError("--delta-token-ttl", "give seconds from 1 to 31536000 (a year)")
    if config.delta_expiry_style not in EXPIRY_STYLES:
        raise InputError("delta_expiry_style", "give 'gone' (410) or 'resync' (400)")
    if not 0 <= config.delta_replays <= 1:
        raise InputError("delta_replays", "give a share from 0 to 1, such as 0.05")
    if isinstance(config.app_permissions, str):
        raise InputError("--app-permissions", "give a tuple of permission names, not a string")
    for name in config.app_permissions:
        if not isinstance(name, str) or not PERMISSION.fullmatch(name):
            raise InputError(
                "--app-permissions",
                f"{name!r} is not a permission name such as User.Read.All",
            )


def parse_permissions(text: str) -> tuple[str, ...]:
    """An argparse type: a comma-separated list of permissions; "" grants none."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    for name in names:
        if not PERMISSION.fullmatch(name):
            raise argparse.ArgumentTypeError(
                f"{name!r} will not do; give permission names such as User.Read.All"
            )
    return names


def seconds(text: str) -> int:
    """An argparse type: whole seconds from 1 to a year."""
    if not text.isdigit() or not 1 <= int(text) <= 365 * 24 * 3600:
        raise argparse.ArgumentTypeError(f"{text!r} will not do; give seconds from 1 to 31536000")
    return int(text)


def add_graph_options(parser: argparse.ArgumentParser) -> None:
    """The command line's options for the Graph emulator."""
    parser.add_argument(
        "--app-permissions",
        type=parse_permissions,
        default=DEFAULT_APP_PERMISSIONS,
        metavar="NAME,...",
        help="application permissions granted to the app (default: "
        f"{','.join(DEFAULT_APP_PERMISSIONS)})",
    )
    parser.add_argument(
        "--no-intune-licence",
        dest="intune_licensed",
        action="store_false",
        help="the tenant has no Intune licence: managed devices answer 403",
    )
    parser.add_argument(
        "--delta-token-ttl",
        type=seconds,
        default=DELTA_TOKEN_TTL,
        help=f"seconds a delta token stays valid (default {DELTA_TOKEN_TTL}, 7 days)",
    )


def graph_options(args: argparse.Namespace) -> dict:
    """SandboxConfig's Graph fields from parsed options."""
    return {
        "app_permissions": args.app_permissions,
        "intune_licensed": args.intune_licensed,
        "delta_token_ttl": args.delta_token_ttl,
    }

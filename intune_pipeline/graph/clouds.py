"""Microsoft's national clouds: each has its own login host, Graph host and token scope."""

from dataclasses import dataclass

from intune_pipeline.errors import ConfigError


@dataclass(frozen=True)
class Cloud:
    login_url: str
    graph_url: str


CLOUDS = {
    "global": Cloud("https://login.microsoftonline.com", "https://graph.microsoft.com"),
    "usgov": Cloud("https://login.microsoftonline.us", "https://graph.microsoft.us"),
    "usgov-dod": Cloud("https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
    "china": Cloud(
        "https://login.partner.microsoftonline.cn", "https://microsoftgraph.chinacloudapi.cn"
    ),
}


def cloud_named(name: str, setting: str = "cloud") -> Cloud:
    """The cloud called name; setting names where the name came from."""
    try:
        return CLOUDS[name.strip().lower()]
    except KeyError:
        raise ConfigError(
            f"{setting} is {name!r}; use one of {', '.join(CLOUDS)} "
            "(global is login.microsoftonline.com and graph.microsoft.com)."
        ) from None


def scope_for(graph_url: str) -> str:
    """Tokens are issued for one Graph host, and are not valid in another cloud."""
    return f"{graph_url}/.default"

"""Local, faithful emulators of Entra ID login, Microsoft Graph and the Oomnitza API.

Three HTTPS servers on 127.0.0.1, trusted through a CA made at start (``Sandbox.ca_path``).
Besides the emulated APIs, each server answers ``GET /_sandbox/requests`` (no auth): every
request served so far, without headers or bodies; and ``GET|POST /_sandbox/faults``, the
faults it injects. The Graph server takes ``POST /_sandbox/tenant/mutations`` and
``POST /_sandbox/delta/expire``; the Oomnitza server ``POST /_sandbox/portions/{portion}/cancel``,
an operator cancelling a bulk run, and ``POST /_sandbox/oomnitza/drop`` with
``GET /_sandbox/oomnitza/dropped``, bulk records logged as written but lost. The README lists
them all.
Stands alone: imports nothing from the rest of intune_pipeline.
"""

from intune_pipeline.sandbox.config import SandboxConfig
from intune_pipeline.sandbox.inputs import InputError
from intune_pipeline.sandbox.sandbox import Sandbox

__all__ = ["InputError", "Sandbox", "SandboxConfig"]

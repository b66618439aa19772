"""python -m intune_pipeline.sandbox: run the emulators until SIGINT or SIGTERM."""

import argparse
import gc
import signal
import sys
import threading
from pathlib import Path

from intune_pipeline.sandbox.config import SandboxConfig
from intune_pipeline.sandbox.faults import parse_faults
from intune_pipeline.sandbox.graph_settings import add_graph_options, graph_options
from intune_pipeline.sandbox.inputs import InputError
from intune_pipeline.sandbox.sandbox import Sandbox

USAGE_ERROR = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad option is one line on stderr and exit status 2."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"sandbox: error: {message} (see --help)\n")


def number(kind, low, high, example: str):
    """An argparse type: kind (int or float) from low to high, or a message saying what to give."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} will not do; give {example}")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="python -m intune_pipeline.sandbox",
        description="Local HTTPS emulators of Entra ID login, Microsoft Graph and Oomnitza.",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--users",
        type=number(int, 0, 10_000_000, "a whole number such as 1000"),
        default=1000,
        help="generate a tenant of this many users (default 1000)",
    )
    source.add_argument(
        "--tenant-file", type=Path, help="a JSON array of Graph user objects, instead of --users"
    )
    p.add_argument(
        "--seed",
        type=number(int, 0, 2**63, "a whole number such as 1"),
        default=1,
        help="the generated tenant and its ids depend on it (default 1)",
    )
    p.add_argument(
        "--oomnitza-file", type=Path, help="a JSON array of Oomnitza REST users held at start"
    )
    p.add_argument(
        "--prefill",
        type=number(float, 0, 1, "a share from 0 to 1"),
        default=0.0,
        help="copy this share of the tenant's users with a mail into Oomnitza first",
    )
    p.add_argument(
        "--state-dir", type=Path, default=Path(".sandbox"), help="for ca.pem and requests.jsonl"
    )
    p.add_argument("--env-file", type=Path, help="default: <state-dir>/sandbox.env")
    p.add_argument(
        "--token-lifetime",
        type=number(int, 1, 86400, "seconds from 1 to 86400"),
        default=3599,
        help="seconds an access token is valid (default 3599)",
    )
    seconds = number(float, 0, 60, "seconds from 0 to 60")
    for name in ("graph", "oomnitza"):
        p.add_argument(f"--{name}-latency", type=seconds, default=0.0, help="seconds per request")
    port = number(int, 0, 65535, "a port from 1 to 65535, or 0 to let the OS choose")
    for name in ("login", "graph", "oomnitza"):
        p.add_argument(f"--{name}-port", type=port, default=0, help="default 0: the OS chooses")
    p.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    for name in ("login", "graph", "oomnitza"):
        p.add_argument(
            f"--{name}-faults",
            type=fault_option,
            default={},
            metavar="KEY=VALUE,...",
            help="faults to inject: throttle_rate, retry_after, error_rate, reset_rate, "
            "latency, slow_rate, slow_seconds, seed (e.g. throttle_rate=0.1,seed=3)",
        )
    add_graph_options(p)
    return p


def fault_option(text: str) -> dict:
    """An argparse type: key=value,... fault settings."""
    try:
        return parse_faults(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def fail(message: str) -> int:
    print(f"sandbox: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    config = SandboxConfig(
        users=args.users,
        seed=args.seed,
        tenant_file=args.tenant_file,
        oomnitza_file=args.oomnitza_file,
        state_dir=args.state_dir,
        token_lifetime=args.token_lifetime,
        graph_latency=args.graph_latency,
        oomnitza_latency=args.oomnitza_latency,
        prefill=args.prefill,
        host=args.host,
        login_port=args.login_port,
        graph_port=args.graph_port,
        oomnitza_port=args.oomnitza_port,
        login_faults=args.login_faults,
        graph_faults=args.graph_faults,
        oomnitza_faults=args.oomnitza_faults,
        **graph_options(args),
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        sandbox = Sandbox(config)
        sandbox.start()
    except InputError as error:
        return fail(str(error))
    except OSError as error:
        return fail(
            f"--state-dir: cannot use {args.state_dir} ({error}); give a writable directory"
        )
    try:
        env_file = args.env_file or args.state_dir / "sandbox.env"
        try:
            sandbox.write_env_file(env_file)
        except OSError as error:
            return fail(f"--env-file: cannot write {env_file} ({error}); give a writable path")
        # The tenant and its pre-serialised pages live as long as the process: left to the
        # collector, each of its full collections walked them again (0.2-0.26 s, twice in an
        # upload of 100,000 records, a quarter of the sandbox's time).
        gc.collect()
        gc.freeze()
        print(f"sandbox ready: env file {env_file}", flush=True)
        for name, url in sandbox.urls.items():
            print(f"  {name:<9} {url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``audit`` command line.

Each command lives in ``audit/cli/cmd_<name>.py`` as a Click command named
``command``; modules are imported only when their command runs, which keeps
start-up fast. A command is a thin function: parse options, call the library,
print.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import click

from audit import __version__


class LazyGroup(click.Group):
    """A group that finds ``cmd_*`` modules and imports each only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        import audit.cli as pkg

        return sorted(m.name[4:].replace("_", "-") for m in pkgutil.iter_modules(pkg.__path__) if m.name.startswith("cmd_"))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.list_commands(ctx):
            return None
        mod = importlib.import_module(f"audit.cli.cmd_{cmd_name.replace('-', '_')}")
        cmd: click.Command = mod.command
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="audit")
def cli() -> None:
    """Audit health content: readability, unsupported claims, promotional language.

    \b
    Start with:
      audit check corpus/            findings for every article
      audit report corpus/ -o reports/   HTML, SARIF, JSON, CSV and Markdown reports
      audit rules                    every rule;  audit explain RD001  one rule

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or config error.
    """


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    try:
        return cli.main(args=argv, prog_name="audit")
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # never a traceback for users; --debug shows it
        if "--debug" in (sys.argv[1:] if argv is None else argv):
            raise
        click.echo(f"audit: internal error: {type(e).__name__}: {e} (run again with --debug for the traceback)", err=True)
        sys.exit(2)

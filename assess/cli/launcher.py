"""The `assess` command: the window when no command is given, the command line otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from assess.cli.main import run
from assess.cli.parser import parse_args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command is None:
        # Qt is imported only here, so the commands start fast and work on machines without a display.
        from assess.ui.app import run_window

        return run_window(args.db)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

"""`python -m assess` is the `assess` command."""

import sys

from assess.cli.launcher import main

sys.exit(main())

"""`python -m assess` is the `assess` command."""

import sys

from assess.launcher import main

sys.exit(main())

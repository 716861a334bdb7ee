"""`python -m assess` runs the command line."""

import sys

from assess.cli import main

sys.exit(main())

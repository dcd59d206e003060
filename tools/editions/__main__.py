"""``python -m tools.editions {notebooks,site,all,check}`` (see :mod:`editions`)."""

import sys

from .build import main

sys.exit(main())

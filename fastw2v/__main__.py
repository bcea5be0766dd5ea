"""``python -m fastw2v`` runs the command line."""

import sys

from fastw2v.cli import main

sys.exit(main())

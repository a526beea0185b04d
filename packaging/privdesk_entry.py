"""Entry point of the frozen app (both executables): the same `privdesk` command line."""

import multiprocessing
import sys

from privdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # an import checks rows in spawned worker processes
    sys.exit(main())

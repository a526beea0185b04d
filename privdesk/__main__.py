import multiprocessing

from privdesk.cli import main

if __name__ == "__main__":
    # A frozen (PyInstaller) build starts import worker processes through this entry.
    multiprocessing.freeze_support()
    raise SystemExit(main())

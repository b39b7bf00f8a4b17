"""Entry point of the frozen app: the same as `python -m desktop`."""

import multiprocessing
import sys

if __name__ == "__main__":
    # the window runs the roster's check and import in a child process (desktop.services.child): in the frozen
    # app that child is this executable again, which freeze_support() turns into the child and never into the app
    multiprocessing.freeze_support()
    from desktop.services.collector import hold_start_up

    hold_start_up()  # as `python -m desktop` does
    from desktop.cli import main

    sys.exit(main())

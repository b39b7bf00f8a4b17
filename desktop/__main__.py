import sys

# a child process (desktop.services.child) imports this module too: it runs nothing
if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # only a frozen app starts its children as itself (installer/launch.py)
        import multiprocessing

        multiprocessing.freeze_support()
    from desktop.cli import main

    raise SystemExit(main())

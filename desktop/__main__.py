import sys

# a child process (desktop.services.child) imports this module too: it runs nothing
if __name__ == "__main__":
    from desktop.services.collector import hold_start_up

    hold_start_up()  # until the command runs or the window is shown (start_up_done)
    if getattr(sys, "frozen", False):  # only a frozen app starts its children as itself (installer/launch.py)
        import multiprocessing

        multiprocessing.freeze_support()
    from desktop.cli import main

    raise SystemExit(main())

import multiprocessing

# a child process (desktop.services.child) imports this module too: it runs nothing
if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop.cli import main

    raise SystemExit(main())

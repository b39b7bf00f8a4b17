import multiprocessing

if (
    __name__ == "__main__"
):  # a child process (desktop.services.child) imports this module too: it runs nothing
    multiprocessing.freeze_support()
    from desktop.cli import main

    raise SystemExit(main())

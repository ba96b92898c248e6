import multiprocessing

# In the packaged program the spreadsheet reader's child process starts this same executable:
# freeze_support() runs the child there and exits before anything else happens.
multiprocessing.freeze_support()

from desktop.cli import main  # noqa: E402

raise SystemExit(main())

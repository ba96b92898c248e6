import multiprocessing
import sys

# In the packaged program the spreadsheet reader's child process starts this same executable:
# freeze_support() runs the child there and exits before anything else happens.
multiprocessing.freeze_support()

try:
    from desktop.cli import main
except KeyboardInterrupt:  # Ctrl+C while the program is still loading
    print("cipdesk: interrupted; nothing more was written.", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())

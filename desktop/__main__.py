import sys

try:
    from desktop.cli import main
except KeyboardInterrupt:  # Ctrl+C while the program is still loading
    print("cipdesk: interrupted; nothing more was written.", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())

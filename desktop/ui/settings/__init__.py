"""File > Settings: the dialog and one module per page, behind the protocol of page.py."""

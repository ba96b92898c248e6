"""The window (PySide6). main_window.py builds the tabs and the menus; each tab and component has
its package: roster, pathway, attachments, hours, returns, officer (an officer's record: the dialog
and its pages), settings, importing, safety (backup, restore, data protection), reports. Shared
pieces stay here: context.py (the database and the "data changed" bus), dialogs.py (every message
box and file dialog), tasks.py (slow work off the UI thread), shutdown.py, table_model.py (the one
column spec of every table model) and widgets.py.
"""

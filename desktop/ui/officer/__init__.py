"""One officer's record: the dialog (dialog.py, also the one way to open an officer from anywhere:
open_officer, new_officer, record_leaving_dialog) and its pages, each behind the protocol of
page.py: details, history, audit, legacy fields, pathway, qualifications, attachments, duties."""

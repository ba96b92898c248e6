"""The Attachments tab: units, their members and requests, who could join; the request, start,
correct and end dialogs that the officer's record uses too."""

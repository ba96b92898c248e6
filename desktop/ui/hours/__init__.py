"""The Hours tab: the month grid, keyboard duty entry, event duties, one officer's day."""

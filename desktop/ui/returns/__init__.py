"""The Returns tab: the monthly return on screen, printed, saved and signed off."""

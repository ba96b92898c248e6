"""The Roster tab, its table model, and File > Export roster."""

"""The Pathway tab: the board of stages, bulk recording of a stage."""

"""CiP Desk: the Citizens in Policing desk application."""

__version__ = "0.1.0"

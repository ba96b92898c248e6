"""File > Import roster (the wizard) and File > Import history."""

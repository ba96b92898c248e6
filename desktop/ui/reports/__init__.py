"""The Reports menu: qualifications expired or expiring."""

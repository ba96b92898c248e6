"""Keeping the data safe: back up, restore and check the database, and the questions asked at
start; retention review and subject access export."""

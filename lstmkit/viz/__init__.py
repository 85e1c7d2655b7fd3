"""Drawings and sliders for the book (matplotlib only, no image files from elsewhere)."""

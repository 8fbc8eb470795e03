"""The book's own code: chapter pictures, data and reference loops (not installed)."""

"""Number formats that differ from Django's locale files (FORMAT_MODULE_PATH)."""

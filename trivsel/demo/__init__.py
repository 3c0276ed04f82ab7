"""Demo data: the report's five stories at different steps."""

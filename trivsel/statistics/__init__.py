"""The annual statistics: figures, the report, charts, downloads and the history import."""

"""Cover: a coordinator away, and who covers."""

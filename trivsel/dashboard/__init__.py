"""The start page for each role, and the coordinator's queues."""

"""Courses (forløb): the flow from first inquiry to follow-up call, with its steps,
queries, forms and pages."""

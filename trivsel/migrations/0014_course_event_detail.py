"""Corrections with a trace: a course event keeps what a correction changed from what."""

from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("course_event", "detail", TextField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("course_event", "detail"))

"""The statistics' own table: a counter of changes to the data the annual report reads."""

from peewee import CharField, IntegerField

from trivsel.core.db import BaseModel


class StatisticsGeneration(BaseModel):
    """One row. Database triggers (migration 0017) add one to `value` in every transaction
    that inserts, updates or deletes a row of a table the annual report counts (see
    `statistics.cache.WATCHED`), so a report computed at one value is right for as long as
    the value holds. `epoch` is random, made with the row: two databases never share a key."""

    value = IntegerField(default=0)
    epoch = CharField(max_length=32)

    class Meta:
        table_name = "statistics_generation"

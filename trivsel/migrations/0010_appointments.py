"""Calendar: appointments with their iCalendar UID and sequence, who was invited to each, and
the hashed secret of each user's calendar feed."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Course(Model):
        class Meta:
            database = db
            table_name = "course"

    class Proposal(Model):
        class Meta:
            database = db
            table_name = "proposal"

    class SupervisionMeeting(Model):
        class Meta:
            database = db
            table_name = "supervision_meeting"

    class Appointment(Model):
        uid = CharField(max_length=200, unique=True)
        kind = CharField(max_length=20, index=True)
        course = ForeignKeyField(Course, null=True, on_delete="CASCADE")
        proposal = ForeignKeyField(Proposal, null=True, on_delete="CASCADE")
        meeting = ForeignKeyField(SupervisionMeeting, null=True, on_delete="SET NULL")
        organizer = ForeignKeyField(User, null=True, on_delete="SET NULL")
        starts_at = DateTimeField(index=True)
        ends_at = DateTimeField()
        place = CharField(max_length=100, null=True)
        at_home = BooleanField(default=False)
        sequence = IntegerField(default=0)
        cancelled = BooleanField(default=False, index=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "appointment"

    class AppointmentAttendee(Model):
        appointment = ForeignKeyField(Appointment, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "appointment_attendee"
            indexes = ((("appointment", "user"), True),)

    class CalendarFeed(Model):
        user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "calendar_feed"

    db.create_tables([Appointment, AppointmentAttendee, CalendarFeed])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("calendar_feed"),
        migrator.drop_table("appointment_attendee"),
        migrator.drop_table("appointment"),
    )

"""The volunteer corps: profiles with dated status history, what a course needs for a match,
the volunteer's "ready to close" flag, supervision meetings and requests, theme days, cover."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Course(Model):
        class Meta:
            database = db
            table_name = "course"

    class VolunteerProfile(Model):
        user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
        status = CharField(max_length=20, default="applicant", index=True)
        paused_until = DateField(null=True)
        applied_on = DateField()
        declaration_signed_on = DateField(null=True)
        suitability_notes = TextField(null=True)
        motivation = TextField(null=True)
        capacity = IntegerField(default=1)
        available_days = CharField(max_length=40, null=True)
        available_times = CharField(max_length=40, null=True)
        phone_only = BooleanField(default=False)
        interests = CharField(max_length=200, null=True)
        avoids = CharField(max_length=200, null=True)
        languages = CharField(max_length=60, null=True)
        postcode = CharField(max_length=4, null=True)
        background = CharField(max_length=200, null=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "volunteer_profile"

    class VolunteerStatusChange(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        status = CharField(max_length=20)
        changed_on = DateField(index=True)
        paused_until = DateField(null=True)
        changed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        recorded_at = DateTimeField()

        class Meta:
            database = db
            table_name = "volunteer_status_change"

    class SupervisionMeeting(Model):
        starts_at = DateTimeField(index=True)
        place = CharField(max_length=100, null=True)
        attendance_recorded = BooleanField(default=False)
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "supervision_meeting"

    class SupervisionAttendance(Model):
        meeting = ForeignKeyField(SupervisionMeeting, on_delete="CASCADE")
        volunteer = ForeignKeyField(User, on_delete="CASCADE")
        attended = BooleanField()

        class Meta:
            database = db
            table_name = "supervision_attendance"
            indexes = ((("meeting", "volunteer"), True),)

    class SupervisionRequest(Model):
        course = ForeignKeyField(Course, on_delete="CASCADE")
        volunteer = ForeignKeyField(User, on_delete="CASCADE")
        requested_at = DateTimeField()
        by_phone = BooleanField(default=False)
        handled_at = DateTimeField(null=True)
        handled_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "supervision_request"

    class ThemeDay(Model):
        title = CharField(max_length=120)
        starts_at = DateTimeField(index=True)
        place = CharField(max_length=100, null=True)
        capacity = IntegerField(null=True)
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "theme_day"

    class ThemeDaySignup(Model):
        theme_day = ForeignKeyField(ThemeDay, on_delete="CASCADE")
        volunteer = ForeignKeyField(User, on_delete="CASCADE")
        signed_up_at = DateTimeField()

        class Meta:
            database = db
            table_name = "theme_day_signup"
            indexes = ((("theme_day", "volunteer"), True),)

    class Cover(Model):
        away = ForeignKeyField(User, on_delete="CASCADE")
        covered_by = ForeignKeyField(User, on_delete="CASCADE")
        starts_on = DateField()
        ends_on = DateField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "cover"

    db.create_tables(
        [
            VolunteerProfile,
            VolunteerStatusChange,
            SupervisionMeeting,
            SupervisionAttendance,
            SupervisionRequest,
            ThemeDay,
            ThemeDaySignup,
            Cover,
        ]
    )
    migrator.migrate(
        migrator.add_column("citizen", "postcode", CharField(max_length=4, null=True)),
        migrator.add_column("course", "needs", CharField(max_length=200, null=True)),
        migrator.add_column("course", "available_days", CharField(max_length=40, null=True)),
        migrator.add_column("course", "available_times", CharField(max_length=40, null=True)),
        migrator.add_column("course", "by_phone", BooleanField(default=False)),
        migrator.add_column("course", "language", CharField(max_length=10, null=True)),
        migrator.add_column("course", "ready_to_close_on", DateField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("course", "ready_to_close_on"),
        migrator.drop_column("course", "language"),
        migrator.drop_column("course", "by_phone"),
        migrator.drop_column("course", "available_times"),
        migrator.drop_column("course", "available_days"),
        migrator.drop_column("course", "needs"),
        migrator.drop_column("citizen", "postcode"),
    )
    for table in (
        "cover",
        "theme_day_signup",
        "theme_day",
        "supervision_request",
        "supervision_attendance",
        "supervision_meeting",
        "volunteer_status_change",
        "volunteer_profile",
    ):
        migrator.migrate(migrator.drop_table(table))

"""The first schema: users, citizens, courses, proposals, conversations, events."""
from peewee import *

# Timestamps get their defaults in Python (trivsel.core.db.now), not in the database.

def up(migrator, db):
    class Citizen(Model):
        name = CharField(null=True, max_length=100)
        phone = CharField(null=True, max_length=30)
        email = CharField(null=True, max_length=254)
        goals = TextField(null=True)
        class Meta:
            database = db
            table_name = 'citizen'
    db.create_tables([Citizen])

    class User(Model):
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=100)
        password_hash = CharField()
        role = CharField(max_length=20)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Course(Model):
        citizen = ForeignKeyField(Citizen, unique=True, null=True, on_delete='SET NULL')
        branch = CharField(index=True, max_length=40, default='main')
        stage = CharField(index=True, max_length=30)
        version = IntegerField(default=1)
        received_on = DateField(index=True)
        channel = CharField(max_length=20)
        initiated_by = CharField(max_length=20)
        birth_year = IntegerField(null=True)
        target_group = CharField(null=True, max_length=40)
        first_contact_on = DateField(null=True)
        intake_scheduled_at = DateTimeField(null=True)
        intake_held_on = DateField(null=True)
        intake_outcome = CharField(null=True, max_length=30)
        volunteer = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        started_on = DateField(null=True)
        frequency = CharField(null=True, max_length=20)
        expected_end_on = DateField(null=True)
        ended_on = DateField(null=True)
        goals_met = CharField(null=True, max_length=10)
        needs_more_support = BooleanField(null=True)
        follow_on_offers = TextField(null=True)
        followed_up_on = DateField(null=True)
        felt_heard = BooleanField(null=True)
        quality_of_life = CharField(null=True, max_length=10)
        follow_on_contact = BooleanField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'course'
    db.create_tables([Course])

    class Conversation(Model):
        course = ForeignKeyField(Course, on_delete='CASCADE')
        held_on = DateField(index=True)
        mode = CharField(max_length=20)
        logged_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        logged_at = DateTimeField()
        submission_key = CharField(unique=True, null=True, max_length=64)
        class Meta:
            database = db
            table_name = 'conversation'
    db.create_tables([Conversation])

    class CourseEvent(Model):
        course = ForeignKeyField(Course, on_delete='CASCADE')
        at = DateTimeField()
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        action = CharField(max_length=30)
        stage = CharField(max_length=30)
        class Meta:
            database = db
            table_name = 'course_event'
    db.create_tables([CourseEvent])

    class Proposal(Model):
        course = ForeignKeyField(Course, on_delete='CASCADE')
        volunteer = ForeignKeyField(User, on_delete='RESTRICT')
        proposed_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        proposed_at = DateTimeField()
        status = CharField(index=True, max_length=20, default='pending')
        answered_at = DateTimeField(null=True)
        decline_reason = CharField(null=True, max_length=300)
        meeting_on = DateField(null=True)
        citizen_yes = BooleanField(null=True)
        volunteer_yes = BooleanField(null=True)
        class Meta:
            database = db
            table_name = 'proposal'
    db.create_tables([Proposal])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('proposal'))
    migrator.migrate(migrator.drop_table('course_event'))
    migrator.migrate(migrator.drop_table('conversation'))
    migrator.migrate(migrator.drop_table('course'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('citizen'))

"""Partner plugins and the directory: referrals, offers, offer links, stories; a partner
user's organisation; special considerations on the citizen."""

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

    migrator.migrate(
        migrator.add_column("user", "organisation", CharField(max_length=60, null=True)),
        migrator.add_column("citizen", "considerations", TextField(null=True)),
    )

    class Referral(Model):
        course = ForeignKeyField(Course, unique=True, on_delete="CASCADE")
        form = CharField(max_length=60)
        plugin = CharField(max_length=60)
        organisation = CharField(max_length=60, null=True)
        referred_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        referrer_name = CharField(max_length=100, null=True)
        referrer_department = CharField(max_length=100, null=True)
        referrer_phone = CharField(max_length=30, null=True)
        first_call = CharField(max_length=20, null=True)
        extra = TextField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "referral"

    class Offer(Model):
        hsds_id = CharField(max_length=64, unique=True)
        source = CharField(max_length=80, index=True)
        source_key = CharField(max_length=120, null=True)
        owner_organisation = CharField(max_length=60, null=True, index=True)
        organisation_name = CharField(max_length=200)
        hsds_organisation_id = CharField(max_length=64, null=True)
        name = CharField(max_length=200)
        description = TextField(null=True)
        target_group = CharField(max_length=40, null=True)
        eligibility = CharField(max_length=300, null=True)
        minimum_age = IntegerField(null=True)
        maximum_age = IntegerField(null=True)
        schedule = CharField(max_length=300, null=True)
        location = CharField(max_length=300, null=True)
        hsds_location_id = CharField(max_length=64, null=True)
        area = CharField(max_length=100, null=True, index=True)
        contact_name = CharField(max_length=100, null=True)
        contact_phone = CharField(max_length=30, null=True)
        contact_email = CharField(max_length=254, null=True)
        url = CharField(max_length=300, null=True)
        categories = CharField(max_length=300, default="")
        active = BooleanField(default=True, index=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "offer"
            indexes = ((("source", "source_key"), True),)

    class OfferLink(Model):
        course = ForeignKeyField(Course, on_delete="CASCADE")
        offer = ForeignKeyField(Offer, on_delete="RESTRICT")
        linked_on = DateField()
        went = BooleanField(null=True)

        class Meta:
            database = db
            table_name = "offer_link"
            indexes = ((("course", "offer"), True),)

    class Story(Model):
        title = CharField(max_length=200)
        body = TextField()
        published = BooleanField(default=False, index=True)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "story"

    db.create_tables([Referral, Offer, OfferLink, Story])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("story"),
        migrator.drop_table("offer_link"),
        migrator.drop_table("offer"),
        migrator.drop_table("referral"),
        migrator.drop_column("citizen", "considerations"),
        migrator.drop_column("user", "organisation"),
    )

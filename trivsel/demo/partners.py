"""What the partner plugins' demos may do (`trivsel_demo`): the `Demo` of the hook contract."""

from dataclasses import replace
from datetime import datetime, time

from trivsel.core.plugins import get_plugins
from trivsel.core.users import User
from trivsel.directory.models import Offer
from trivsel.referrals.service import record_referral


class PartnerDemo:
    """The demo being loaded, as a plugin's `trivsel_demo` gets it (see `hookspecs.Demo`)."""

    def __init__(self, today, users, stories):
        self.today = today
        self._users = users
        self._stories = stories

    def join_organisation(self, login, organisation):
        User.update(organisation=organisation).where(User.id == self._users[login].id).execute()

    def refer(self, story, form, referred_by, submission):
        plugin, _form = get_plugins().referral_forms()[form]
        user = User.get_by_id(self._users[referred_by].id)
        course = self._stories[story].course
        submission = replace(submission, received_on=submission.received_on or course.received_on)
        at = datetime.combine(submission.received_on, time(9, 0))
        record_referral(course.id, submission, plugin, form, user.id, user.organisation, at=at)

    def own_offers(self, organisation, organisation_name):
        return (
            Offer.update(owner_organisation=organisation)
            .where(Offer.organisation_name == organisation_name)
            .execute()
        )

"""The close step picks directory offers through a search, never by listing every offer; the
course page's conversation totals are counted for that course alone."""

import logging
from datetime import date, timedelta

from trivsel.courses import flow
from trivsel.courses.models import Conversation, Course
from trivsel.directory import service as directory
from trivsel.directory.models import Offer, OfferLink


def offer(name, organisation="Ældresagen", **fields):
    return Offer.create(
        hsds_id=directory.new_id(),
        source="local",
        organisation_name=organisation,
        name=name,
        **fields,
    )


def search(kit, q, chosen=()):
    response = kit.client.get(
        "/courses/offers",
        query_string={"close-offer_q": q, "close-offers": list(chosen)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_search_finds_matching_active_offers_and_keeps_the_chosen_checked(app, kit):
    walk = offer("Gåhold")
    offer("Computerundervisning", organisation="Biblioteket")
    offer("Gåtur i skoven", active=False)
    knit = offer("Strikkeklub")
    kit.as_("coordinator")
    found = search(kit, "gåhold")
    assert "Gåhold (Ældresagen)" in found
    assert f'name="close-offers" value="{walk.id}">' in found
    assert "Computerundervisning" not in found
    assert "Gåtur i skoven" not in found  # inactive
    # A chosen offer stays, checked, while the search shows others.
    found = search(kit, "computer", chosen=[str(knit.id), "nonsense"])
    assert f'name="close-offers" value="{knit.id}" checked>' in found
    assert "Computerundervisning (Biblioteket)" in found
    assert "Gåhold" not in found
    assert "Ingen aktive tilbud" in search(kit, "zzz")
    # Asked for as a page (no htmx): the directory's own search.
    response = kit.client.get("/courses/offers?close-offer_q=gåhold")
    assert response.status_code == 303
    assert "/directory/" in response.headers["Location"]


def test_the_search_is_for_the_coordinator(app, kit):
    offer("Gåhold")
    kit.as_("volunteer")
    response = kit.client.get("/courses/offers?close-offer_q=g", headers={"HX-Request": "true"})
    assert response.status_code in (302, 403)


def test_closing_with_offers_picked_by_the_search_button_without_javascript(app, kit):
    walk = offer("Gåhold")
    computer = offer("Computerundervisning")
    course_id = kit.to(flow.ACTIVE)
    # The search button shows the form again, as typed, with the offers found: nothing saved.
    response = kit.step(
        course_id,
        flow.CLOSE,
        **{"offer_q": "gåhold", "offer_search": "1", "offers": str(computer.id)},
        follow_on_offers="Kirken",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert Course.get_by_id(course_id).stage == flow.ACTIVE
    assert 'value="gåhold"' in page
    assert "Kirken" in page
    assert f'value="{computer.id}" checked>' in page
    assert f'value="{walk.id}">' in page
    assert OfferLink.select().count() == 0
    # Then the step itself, with both checked.
    response = kit.step(course_id, flow.CLOSE, offers=[str(walk.id), str(computer.id)])
    assert response.status_code == 303
    assert {link.offer_id for link in OfferLink.select()} == {walk.id, computer.id}
    assert Course.get_by_id(course_id).stage == flow.CLOSED


def test_an_unknown_or_inactive_offer_is_refused_in_danish(app, kit):
    walk = offer("Gåhold")
    closed = offer("Gåtur i skoven", active=False)
    course_id = kit.to(flow.ACTIVE)
    for offers in ([str(walk.id), "99999"], [str(closed.id)]):
        response = kit.step(course_id, flow.CLOSE, offers=offers)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "findes ikke i kataloget eller er ikke længere aktivt" in page
    assert OfferLink.select().count() == 0
    assert Course.get_by_id(course_id).stage == flow.ACTIVE


def test_the_course_page_does_not_grow_with_the_directory(app, kit):
    course_id = kit.to(flow.ACTIVE)
    small = len(kit.client.get(f"/courses/{course_id}").get_data())
    for n in range(300):
        offer(f"Tilbud nummer {n}", organisation=f"Forening {n}")
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Søg efter tilbud" in page
    assert page.count('type="checkbox"') < 10
    assert "Tilbud nummer" not in page
    assert len(page.encode()) < small + 2000
    assert len(page.encode()) < 100_000


class Queries(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        self.sql.append(str(record.msg))


def test_the_conversation_totals_are_counted_for_the_course_alone(app, kit):
    course_id = kit.to(flow.ACTIVE)
    other_id = kit.to(flow.ACTIVE)
    volunteer = kit.users["volunteer"]
    for days, course in ((5, course_id), (2, course_id), (1, other_id)):
        Conversation.create(
            course=course, held_on=date.today() - timedelta(days=days), logged_by=volunteer.id
        )
    logger = logging.getLogger("peewee")
    handler, level = Queries(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    facts = page.split('class="facts-box"')[1]
    day = (date.today() - timedelta(days=2)).strftime("%-d.")
    assert "<dt>Samtaler</dt><dd>2, seneste" in facts
    assert day in facts
    grouped = [sql for sql in handler.sql if "conversation" in sql and "GROUP BY" in sql]
    assert grouped == []

"""WHO-5 at intake and at the follow-up call: optional as a whole, score = raw sum × 4."""

from trivsel.courses import flow
from trivsel.courses.models import Course


def who5(*answers):
    return {f"who5_{i}": str(a) for i, a in enumerate(answers, start=1)}


def test_the_items_are_shown_unchanged_with_their_source(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    for text in (
        "I de sidste 2 uger",
        "har jeg været glad og i godt humør",
        "har min dagligdag været fyldt med ting der interesserer mig",
        "Lidt mere end halvdelen af tiden",
        "På intet tidspunkt",
        "Psykiatrisk Center Nordsjælland",
    ):
        assert text in page


def test_scores_at_intake_and_follow_up(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    assert kit.step(course_id, flow.HOLD_INTAKE, **who5(2, 2, 1, 3, 2)).status_code == 303
    assert Course.get_by_id(course_id).who5_intake == 40
    kit.step(course_id, flow.PROPOSE)
    kit.as_("volunteer")
    kit.answer(course_id)
    kit.as_("coordinator")
    kit.step(course_id, flow.MATCH_MEETING_HELD)
    kit.step(course_id, flow.CLOSE)
    response = kit.step(course_id, flow.FOLLOW_UP, **who5(4, 3, 3, 3, 4))
    assert response.status_code == 303
    course = Course.get_by_id(course_id)
    assert (course.who5_intake, course.who5_follow_up) == (40, 68)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "WHO-5 ved opfølgningen" in page and ">68<" in page


def test_none_answered_stores_no_score(kit):
    course_id = kit.to(flow.MATCHING)
    assert Course.get_by_id(course_id).who5_intake is None


def test_some_but_not_all_items_is_refused(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    answers = who5(2, 2, 1)
    response = kit.step(course_id, flow.HOLD_INTAKE, **answers)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert text.count("Besvar alle fem udsagn") == 2  # at both unanswered items
    course = Course.get_by_id(course_id)
    assert (course.stage, course.who5_intake) == (flow.INTAKE_SCHEDULED, None)


def test_an_answer_outside_the_scale_is_refused(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    response = kit.step(course_id, flow.HOLD_INTAKE, **who5(2, 2, 1, 3, 6))
    assert response.status_code == 422
    assert Course.get_by_id(course_id).who5_intake is None
    # All five at the bottom of the scale is a real score of 0, not "not answered".
    assert kit.step(course_id, flow.HOLD_INTAKE, **who5(0, 0, 0, 0, 0)).status_code == 303
    assert Course.get_by_id(course_id).who5_intake == 0

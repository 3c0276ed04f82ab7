"""The annual report's print version in a real browser: its print button prints."""

import test_statistics

from .conftest import login

youth = test_statistics.youth
history = test_statistics.history


def test_the_print_button_prints_and_is_not_printed(page, live_server, history, users):
    page.add_init_script("window.print = function () { window.printed = true; };")
    login(page, live_server.url, users["coordinator"].email)
    page.goto(f"{live_server.url}/statistics/?year_start=09-01&print=1")
    button = page.get_by_role("button", name="Udskriv")
    button.click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    assert not button.is_visible()
    assert page.locator(".print-centre").is_visible()

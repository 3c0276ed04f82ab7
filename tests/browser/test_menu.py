"""The menu: folded behind a button on a phone (a link without script), one row of groups on
a desktop, and the keyboard works; the directory's filters fold on a phone."""

import re

import pytest
from playwright.sync_api import expect

from trivsel.demo.loader import DEMO_PASSWORD

from .conftest import login

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
COORDINATOR = "koordinator@trivsel.example"

pytestmark = pytest.mark.browser


def menu(page):
    return page.get_by_role("navigation", name="Hovedmenu")


def test_the_phone_menu_is_a_button_that_folds(new_context, live_server, demo):
    page = new_context(**PHONE).new_page()
    login(page, live_server.url, "mona@trivsel.example", DEMO_PASSWORD)
    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "main-menu")
    expect(menu(page)).to_be_hidden()
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 740 * 0.12, header  # was 37 % of the first screen

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu(page)).to_be_visible()
    expect(menu(page).get_by_role("link", name="Mine forløb")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("link", name="Mona Jensen")).to_be_visible()  # Min konto
    menu(page).get_by_role("link", name="Min profil").focus()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu(page)).to_be_hidden()
    expect(button).to_be_focused()

    page.keyboard.press("Enter")
    expect(menu(page)).to_be_visible()
    menu(page).get_by_role("link", name="Min profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min profil")
    expect(menu(page)).to_be_hidden()  # the next page starts folded
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_without_script_the_phone_menu_is_a_link(new_context, live_server, demo):
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    login(page, live_server.url, COORDINATOR, DEMO_PASSWORD)
    expect(menu(page)).to_be_hidden()
    page.get_by_role("link", name="Menu").click()
    expect(menu(page)).to_be_visible()
    # Every item is reachable: the groups stand open.
    for name in ("Forløb", "Ny henvendelse", "Supervision", "Fortællinger", "Invitationer"):
        expect(menu(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    menu(page).get_by_role("link", name="Ny henvendelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny henvendelse")


def test_the_coordinators_menu_is_one_row_of_groups(new_context, live_server, demo):
    page = new_context(**DESKTOP).new_page()
    login(page, live_server.url, COORDINATOR, DEMO_PASSWORD)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    items = menu(page).locator(".menu > li")
    tops = {round(box["y"]) for box in (item.bounding_box() for item in items.all())}
    assert len(tops) == 1, f"the menu takes {len(tops)} rows at 1280 px"
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 70, header
    brand = page.locator(".brand").bounding_box()
    who = page.get_by_role("link", name="Birgit Holm").bounding_box()
    assert abs(brand["y"] - who["y"]) < 20  # the brand, the menu and the name share the row

    expect(menu(page).get_by_role("link", name="Overblik")).to_have_attribute(
        "aria-current", "page"
    )
    group = menu(page).get_by_role("button", name="Partnere og tilbud")
    expect(group).to_have_attribute("aria-expanded", "false")
    expect(menu(page).get_by_role("link", name="Fortællinger")).to_be_hidden()
    group.click()
    expect(group).to_have_attribute("aria-expanded", "true")
    expect(menu(page).get_by_role("link", name="Fortællinger")).to_be_visible()
    page.keyboard.press("Escape")
    expect(group).to_have_attribute("aria-expanded", "false")
    expect(menu(page).get_by_role("link", name="Fortællinger")).to_be_hidden()

    # By keyboard: Tab to the group, Enter opens it, Tab reaches its items.
    group.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(menu(page).get_by_role("link", name="Henvisninger")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Escape")
    expect(group).to_be_focused()
    expect(group).to_have_attribute("aria-expanded", "false")

    # Opening one group closes another; the group of the current page is marked.
    menu(page).get_by_role("button", name="Forløb").click()
    menu(page).get_by_role("link", name="Ny henvendelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny henvendelse")
    expect(menu(page).locator(".menu-group.current > button")).to_have_text("Forløb")
    courses = menu(page).get_by_role("button", name="Forløb")
    courses.click()
    expect(menu(page).get_by_role("link", name="Ny henvendelse")).to_have_attribute(
        "aria-current", "page"
    )
    menu(page).get_by_role("button", name="Frivillige").click()
    expect(courses).to_have_attribute("aria-expanded", "false")
    page.get_by_role("heading", level=1).click()  # a click elsewhere closes it
    expect(menu(page).get_by_role("button", name="Frivillige")).to_have_attribute(
        "aria-expanded", "false"
    )


def test_the_directory_folds_its_filters_on_a_phone(new_context, live_server, demo):
    phone = new_context(**PHONE).new_page()
    login(phone, live_server.url, "mona@trivsel.example", DEMO_PASSWORD)
    phone.goto(f"{live_server.url}/directory/")
    expect(phone.get_by_role("searchbox", name="Søg")).to_be_visible()
    expect(phone.get_by_label("Kategori")).to_be_hidden()
    first = phone.locator("#offer-results .offer-name").first.bounding_box()
    assert first["y"] < 740, "the first offer is below the first screen"
    phone.locator("summary", has_text="Filtre").click()
    expect(phone.get_by_label("Kategori")).to_be_visible()
    phone.get_by_label("Kategori").select_option(label="Motion og gåture")
    expect(phone).to_have_url(re.compile(r"category="))
    phone.reload()
    expect(phone.get_by_label("Kategori")).to_be_visible()  # a filter is chosen: open
    expect(phone.locator("summary", has_text="Filtre")).to_contain_text("1 valgt")

    wide = new_context(**DESKTOP).new_page()
    login(wide, live_server.url, "mona@trivsel.example", DEMO_PASSWORD)
    wide.goto(f"{live_server.url}/directory/")
    expect(wide.get_by_label("Kategori")).to_be_visible()

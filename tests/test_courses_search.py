"""The course list's search keeps a citizen's name out of URLs: it is posted (with the CSRF
token), paged by posting again, and the old `GET /courses?q=...` no longer searches."""

import re
from html.parser import HTMLParser
from urllib.parse import unquote_plus

from trivsel.courses import flow

PER_PAGE = 50  # queries.search_courses

# Attributes whose value is, or becomes, an address the browser requests or keeps.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "hx-push-url",
    "hx-replace-url",
    "hx-vals",
}


class Urls(HTMLParser):
    """Every URL-like attribute of a page, and its forms with their method and fields."""

    def __init__(self, html):
        super().__init__()
        self.urls = []
        self.forms = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [value or "" for name, value in attrs.items() if name in URL_ATTRIBUTES]
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": {}})
        elif tag in ("input", "button", "select") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value"))


def assert_no_term_in_urls(response, term):
    urls = Urls(response.get_data(as_text=True)).urls
    leaked = [url for url in urls if term.lower() in unquote_plus(url).lower()]
    assert not leaked, leaked
    assert not [url for url in urls if re.search(r"[?&]q=", url)], urls
    for header in ("Location", "HX-Push-Url", "HX-Replace-Url", "HX-Redirect", "HX-Location"):
        assert term.lower() not in unquote_plus(response.headers.get(header, "")).lower()


def search(client, q, **fields):
    return client.post("/courses", data={"q": q, **fields})


def test_the_search_is_posted_and_finds_the_citizen(kit):
    kit.to(flow.NEW, name="Inge Hansen")
    kit.to(flow.NEW, name="Gerda Nielsen")
    client = kit.client
    page = client.get("/courses")
    (form,) = [f for f in Urls(page.get_data(as_text=True)).forms if "q" in f["fields"]]
    assert form["attrs"]["method"] == "post"
    assert form["attrs"]["action"] == "/courses" and form["attrs"]["hx-post"] == "/courses"
    assert form["fields"]["csrf_token"]
    assert "hx-get" not in form["attrs"] and "hx-push-url" not in form["attrs"]

    found = search(client, "inge")  # the full page: the form posted without JavaScript
    text = found.get_data(as_text=True)
    assert found.status_code == 200
    assert "Inge Hansen" in text and "Gerda Nielsen" not in text
    assert 'value="inge"' in text  # the term stays in the search box, in the body
    assert_no_term_in_urls(found, "inge")

    # htmx: the rows, and the address bar shows the filters only.
    fragment = client.post(
        "/courses", data={"q": "Inge", "stage": "new"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Inge Hansen" in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Replace-Url"] == "/courses?stage=new"
    assert_no_term_in_urls(fragment, "Inge")


def test_the_search_needs_the_csrf_token(kit):
    kit.to(flow.NEW, name="Inge Hansen")
    response = kit.client.post("/courses", data={"q": "Inge"}, csrf=False)
    assert response.status_code == 400
    assert "Inge Hansen" not in response.get_data(as_text=True)


def test_the_old_get_search_no_longer_searches(kit):
    kit.to(flow.NEW, name="Inge Hansen")
    kit.to(flow.NEW, name="Gerda Nielsen")
    client = kit.client
    old = client.get("/courses?q=Gerda&stage=new&page=2")
    assert old.status_code == 303
    assert old.headers["Location"] == "/courses?stage=new"  # the term is dropped, filters kept
    listing = client.get("/courses?q=Gerda", follow_redirects=True).get_data(as_text=True)
    assert "Inge Hansen" in listing and "Gerda Nielsen" in listing  # not filtered
    assert 'value="Gerda"' not in listing


def test_search_results_page_by_posting_the_term_again(kit):
    kit.as_("coordinator")
    for number in range(PER_PAGE + 1):  # the first is the oldest, so it is on page 2
        kit.inquiry(name=f"Inge Hansen {number:02d}")
    kit.inquiry(name="Gerda Nielsen")
    client = kit.client

    first = search(client, "Inge", stage="new")
    text = first.get_data(as_text=True)
    assert text.count("Inge Hansen") == PER_PAGE and "Gerda" not in text
    assert_no_term_in_urls(first, "Inge")
    (pager,) = [f for f in Urls(text).forms if f["fields"].get("page")]
    assert pager["attrs"]["method"] == "post" and pager["attrs"]["hx-post"] == "/courses"
    assert pager["attrs"]["hx-target"] == "#course-rows"
    fields = pager["fields"]
    assert fields["q"] == "Inge" and fields["stage"] == "new" and fields["page"] == "2"
    assert fields["csrf_token"]
    assert "Forrige side" not in text and "Næste side" in text

    second = client.post("/courses", data=fields, headers={"HX-Request": "true"})
    text = second.get_data(as_text=True)
    assert re.findall(r"Inge Hansen \d\d", text) == ["Inge Hansen 00"]
    assert "Forrige side" in text and "Næste side" not in text
    (pager,) = [f for f in Urls(text).forms if f["fields"].get("page")]
    assert pager["fields"]["page"] == "1" and pager["fields"]["q"] == "Inge"
    assert_no_term_in_urls(second, "Inge")


def test_the_list_without_a_term_pages_by_links(kit):
    kit.as_("coordinator")
    for number in range(PER_PAGE + 1):
        kit.inquiry(name=f"Inge Hansen {number:02d}")
    text = kit.client.get("/courses?stage=new").get_data(as_text=True)
    assert 'href="/courses?stage=new&amp;page=2"' in text
    text = kit.client.get("/courses?stage=new&page=2").get_data(as_text=True)
    assert re.findall(r"Inge Hansen \d\d", text) == ["Inge Hansen 00"]
    assert 'href="/courses?stage=new&amp;page=1"' in text


def test_the_term_shown_back_is_escaped(kit):
    kit.to(flow.NEW, name="Inge Hansen")
    payload = "\"'><i data-inj=q>x</i>"
    text = search(kit.client, payload).get_data(as_text=True)
    assert "<i data-inj=q>" not in text
    (form,) = [f for f in Urls(text).forms if "q" in f["fields"]]
    assert form["fields"]["q"] == payload  # in the search box, as typed


def test_a_nul_in_the_search_term_is_no_crash(client, auth, users):
    auth.login(users["coordinator"])
    assert client.post("/courses", data={"q": "In\x00ge"}).status_code == 200

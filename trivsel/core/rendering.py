"""Fragment or page: one helper decides, and every such response varies on HX-Request."""

from flask import make_response, render_template, request


def is_partial():
    """An htmx request that is neither boosted nor a history restore wants a fragment."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page_template, fragment=None, status=200, **context):
    """Render `fragment` for an htmx request, else the full `page_template`."""
    template = fragment if fragment and is_partial() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response

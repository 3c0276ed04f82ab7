"""Bridging per offer and per category: the offers linked at closing, and how many citizens
went by the follow-up call. Counted from the offer links, never the citizen table."""

from dataclasses import dataclass

from flask import current_app
from peewee import Case, Value, fn

from trivsel.core.hookspecs import OfferFigures, OfferYearFigures
from trivsel.core.labels import OFFER_CATEGORIES
from trivsel.courses.models import Course
from trivsel.directory.models import Offer, OfferLink
from trivsel.statistics.figures import (
    ALL,
    as_date,
    during,
    parse_year_start,
    percent,
    project_years,
    union_table,
    years_table,
)
from trivsel.statistics.presentation import year_label


@dataclass(frozen=True)
class Bridged:
    """One offer's or category's bridging in a project year. `asked`: the links whose
    follow-up call said whether the citizen went; the share is of those (a link still
    waiting for its call is neither went nor not)."""

    key: object  # the offer's id, or the category's code
    label: str
    linked: int
    asked: int
    went: int

    @property
    def went_percent(self):
        return percent(self.went, self.asked)


def _counts():
    """The columns counted per group: links, links answered at the follow-up call, went."""
    went = Case(None, [(OfferLink.went == True, 1)], 0)  # noqa: E712
    return fn.COUNT(OfferLink.id), fn.COUNT(OfferLink.went), fn.SUM(went)


def _links_in_years(query, py, branch):
    """Join the offer links linked in each year (and their course, for the branch)."""
    start, end = py.c.start, py.c.end
    query = query.join(OfferLink, on=during(OfferLink.linked_on, start, end)).join(
        Offer, on=(OfferLink.offer == Offer.id)
    )
    if branch != ALL:
        query = query.join(Course, on=(OfferLink.course == Course.id)).where(
            Course.branch == branch
        )
    return query


def _grouped(rows):
    """{start: [Bridged]} from (start, key, label, linked, asked, went) rows."""
    result = {}
    for start, key, label, linked, asked, went in rows:
        result.setdefault(as_date(start), []).append(
            Bridged(key, label, int(linked), int(asked), int(went or 0))
        )
    return result


def by_offer(py, branch=ALL, organisation=None):
    """{start: [Bridged]}: per year, each offer linked in it (by organisation and name);
    only `organisation`'s own offers when given."""
    start = py.c.start
    label = Offer.organisation_name.concat(" – ").concat(Offer.name)
    query = _links_in_years(
        OfferLink.select(start, Offer.id, label, *_counts()).from_(py), py, branch
    )
    if organisation is not None:
        query = query.where(Offer.owner_organisation == organisation)
    query = query.group_by(start, Offer.id, Offer.organisation_name, Offer.name).order_by(
        start, Offer.organisation_name, Offer.name, Offer.id
    )
    return _grouped(query.tuples())


def by_category(py, branch=ALL):
    """{start: [Bridged]}: per year, each category with links in it, in the directory's
    order. An offer in two categories counts in both, so the rows do not add up to the
    offers' total."""
    codes = list(OFFER_CATEGORIES)
    categories = union_table([[Value(code).alias("code")] for code in codes], "categories")
    code = categories.c.code
    start = py.c.start
    query = (
        _links_in_years(OfferLink.select(start, code, *_counts()).from_(py), py, branch)
        .join(categories, on=(Offer.categories ** Value("% ").concat(code).concat(" %")))
        .group_by(start, code)
    )
    rows = sorted(query.tuples(), key=lambda row: (as_date(row[0]), codes.index(row[1])))
    return _grouped((year, key, str(OFFER_CATEGORIES[key]), *counts) for year, key, *counts in rows)


def offer_figures_by_year(organisation, month_day=None):
    """[OfferYearFigures]: the organisation's own offers per project year (the configured
    one by default), newest first, over every branch, from the first to the last year
    anything was linked to one of them. Counts, never who."""
    if month_day is None:
        month_day = parse_year_start(current_app.config["PROJECT_YEAR_START"])
    span = (
        OfferLink.select(fn.MIN(OfferLink.linked_on), fn.MAX(OfferLink.linked_on))
        .join(Offer)
        .where(Offer.owner_organisation == organisation)
        .tuples()[0]
    )
    if span[0] is None:
        return []
    years = project_years(*(as_date(day) for day in span), month_day)
    per_year = by_offer(years_table(years), ALL, organisation)
    offers = {
        o.id: o
        for o in Offer.select(Offer.id, Offer.name, Offer.organisation_name, Offer.active).where(
            Offer.owner_organisation == organisation
        )
    }
    return [
        OfferYearFigures(
            year,
            year_label(year, month_day),
            tuple(
                OfferFigures(
                    row.key,
                    offers[row.key].name,
                    offers[row.key].organisation_name,
                    offers[row.key].active,
                    row.linked,
                    row.went,
                    row.asked,
                    row.went_percent,
                )
                for row in per_year[year]
            ),
        )
        for year in sorted(per_year, reverse=True)
    ]

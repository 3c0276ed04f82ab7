"""The directory of offers: plugin offers kept in step, offers kept in Trivsel, search, figures."""

import uuid

from peewee import JOIN, OP, Expression, fn

from trivsel.core import labels
from trivsel.core.db import database, is_sqlite, kept, now, slot
from trivsel.core.hookspecs import OfferFigures
from trivsel.core.plugins import get_plugins
from trivsel.directory.models import Offer, OfferLink
from trivsel.statistics.figures import percent

# Stable ids for what Trivsel itself exports (organisations, locations, taxonomy terms).
NAMESPACE = uuid.UUID("8f9b7a52-3a55-4c8e-9a0c-5d6f0e1b2c3d")
PLUGIN_SOURCE = "plugin:"
OFFER_FIELDS = (
    "organisation_name",
    "name",
    "description",
    "target_group",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "schedule",
    "location",
    "area",
    "contact_name",
    "contact_phone",
    "contact_email",
    "url",
    "owner_organisation",
)


def new_id():
    """An HSDS id for an offer made in Trivsel."""
    return str(uuid.uuid4())


def stable_id(*parts):
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def category_text(codes):
    """Categories as stored: space-delimited with spaces around, so ` code ` finds one."""
    known = [c for c in dict.fromkeys(codes) if c in labels.OFFER_CATEGORIES]
    return f" {' '.join(known)} " if known else ""


# --- Plugin offers ----------------------------------------------------------------------------


def sync_plugin_offers(plugins):
    """Store the offers plugins contribute (source "plugin:<name>"): new ones added, changed
    ones updated, ones no longer contributed marked inactive. Returns (added, updated)."""
    wanted = {}
    for plugin, data in plugins.collect_by_plugin("trivsel_offers"):
        values = {name: getattr(data, name) for name in OFFER_FIELDS}
        values["categories"] = category_text(data.categories)
        values["active"] = True
        wanted[(PLUGIN_SOURCE + plugin, data.key)] = values
    existing = {
        (offer.source, offer.source_key): offer
        for offer in Offer.select().where(Offer.source.startswith(PLUGIN_SOURCE))
    }
    added = updated = 0
    with database.atomic():
        for (source, key), values in wanted.items():
            offer = existing.get((source, key))
            if offer is None:
                Offer.create(
                    source=source, source_key=key, hsds_id=stable_id(source, key), **values
                )
                added += 1
            elif any(getattr(offer, name) != value for name, value in values.items()):
                Offer.update(updated_at=now(), **values).where(Offer.id == offer.id).execute()
                updated += 1
        gone = [o.id for k, o in existing.items() if k not in wanted and o.active]
        if gone:
            Offer.update(active=False).where(Offer.id.in_(gone)).execute()
    return added, updated


# --- Offers kept in Trivsel -----------------------------------------------------------------


def association(user):
    """The association a partner user keeps offers for, or None (a referrer keeps none)."""
    if user.role != "partner" or not user.organisation:
        return None
    org = get_plugins().organisations().get(user.organisation)
    return org if org is not None and org.kind == "association" else None


def can_add(user):
    return user.role == "coordinator" or association(user) is not None


def may_edit(offer, user):
    """The coordinator keeps every local and imported offer; a partner user keeps the local
    offers of their own organisation. Plugin offers are kept by their plugin."""
    if offer.source.startswith(PLUGIN_SOURCE):
        return False
    if user.role == "coordinator":
        return True
    return (
        user.role == "partner"
        and user.organisation is not None
        and offer.owner_organisation == user.organisation
    )


def own_offers(user):
    """The offers a partner user's organisation keeps, by name (none for anyone else)."""
    if user.role != "partner" or not user.organisation:
        return []
    return list(
        Offer.select().where(Offer.owner_organisation == user.organisation).order_by(Offer.name)
    )


def save_offer(offer_id, values, user):
    """Store an offer `user` made (offer_id None) or changed; `values` are OfferForm.values(),
    categories as codes. A new offer is local with a new HSDS id, kept by a partner user's
    organisation; association staff publish under their own organisation's name, whatever
    was sent. Returns the offer's id."""
    values = dict(values, categories=category_text(values.get("categories") or []))
    org = association(user)
    if org is not None:
        values["organisation_name"] = org.name
    with database.atomic():
        if offer_id is None:
            owner = user.organisation if user.role == "partner" else None
            return Offer.create(
                source="local", hsds_id=new_id(), owner_organisation=owner, **values
            ).id
        Offer.update(updated_at=now(), **values).where(Offer.id == offer_id).execute()
    return offer_id


# --- Browse and search ------------------------------------------------------------------------


def _holds(column, word):
    """The lowered column holds the (lowered) word. On PostgreSQL with LIKE, not the ILIKE
    peewee writes for `contains`: the text is lowered already, and ILIKE folding it again
    doubles the cost of a search's scan."""
    found = fn.LOWER(column).contains(word)
    return found if is_sqlite() else Expression(found.lhs, OP.LIKE, found.rhs)


def _matching(q="", category="", target_group="", area="", columns=()):
    """The active offers matching the words and filters, unordered."""
    query = Offer.select(*columns).where(Offer.active == True)  # noqa: E712
    for word in (q or "").lower().split():
        query = query.where(
            _holds(Offer.name, word)
            | _holds(Offer.organisation_name, word)
            | _holds(fn.COALESCE(Offer.description, ""), word)
            | _holds(fn.COALESCE(Offer.location, ""), word)
            | _holds(fn.COALESCE(Offer.eligibility, ""), word)
        )
    if category in labels.OFFER_CATEGORIES:
        query = query.where(Offer.categories.contains(f" {category} "))
    if target_group in labels.TARGET_GROUPS:
        query = query.where(Offer.target_group == target_group)
    if area:
        query = query.where(Offer.area == area)
    return query


# The id last: offers of the same name keep their place from page to page.
ORDER = (Offer.organisation_name, Offer.name, Offer.id)


def search(q="", category="", target_group="", area="", limit=200):
    """Active offers matching the words and filters, by organisation and name."""
    return list(_matching(q, category, target_group, area).order_by(*ORDER).limit(limit))


def _listed(by_target_group, by_area, columns=()):
    query = Offer.select(*columns).where(Offer.active == True)  # noqa: E712
    if by_target_group:
        query = query.where(Offer.target_group == slot("target_group"))
    if by_area:
        query = query.where(Offer.area == slot("area"))
    return query


def _listed_page(by_target_group, by_area):
    query = _listed(by_target_group, by_area).order_by(*ORDER)
    return query.limit(slot("limit")).offset(slot("offset"))


def _listed_count(by_target_group, by_area):
    return _listed(by_target_group, by_area, columns=(fn.COUNT(Offer.id),)).tuples()


def search_page(q="", category="", target_group="", area="", page=1, per_page=25):
    """One page of `search`, and how many offers match in all (counted in SQL). Returns
    (offers, total)."""
    if not (q or "").split() and category not in labels.OFFER_CATEGORIES:
        # The directory as it opens (or by target group and area): kept statements, one
        # for its page and one for its count. The page sorts only what it shows.
        shape = (target_group in labels.TARGET_GROUPS, bool(area))
        values = {
            "target_group": target_group,
            "area": area,
            "limit": per_page,
            "offset": (page - 1) * per_page,
        }
        offers = list(kept(("directory.page", *shape), lambda: _listed_page(*shape), **values))
        if offers and len(offers) < per_page:
            return offers, (page - 1) * per_page + len(offers)  # the last page tells
        counted = kept(("directory.count", *shape), lambda: _listed_count(*shape), **values)
        return offers, counted[0][0]
    if not (q or "").split():
        # Filters alone are cheap to count (indexed); the page sorts only what it shows.
        query = _matching("", category, target_group, area)
        offers = list(query.order_by(*ORDER).paginate(page, per_page))
        if offers and len(offers) < per_page:
            return offers, (page - 1) * per_page + len(offers)  # the last page tells
        return offers, query.count()
    # Words make each match cost a scan of the text: counted in the same scan, by a window
    # over the matches, rather than a second time.
    total = fn.COUNT(Offer.id).over().alias("total")
    query = _matching(q, category, target_group, area, columns=(Offer, total))
    offers = list(query.order_by(*ORDER).paginate(page, per_page))
    if offers:
        return offers, offers[0].total
    # None on this page: none at all, or a page past the last (an old link).
    return [], 0 if page == 1 else _matching(q, category, target_group, area).count()


def areas():
    """The areas active offers are in, for the filter."""
    return [area for (area,) in kept(("directory.areas",), _areas) if area]


def _areas():
    return (
        Offer.select(Offer.area)
        .where((Offer.active == True) & Offer.area.is_null(False))  # noqa: E712
        .distinct()
        .order_by(Offer.area)
        .tuples()
    )


def active_offers():
    return list(
        Offer.select()
        .where(Offer.active == True)  # noqa: E712
        .order_by(Offer.organisation_name, Offer.name)
    )


def active_offers_among(offer_ids):
    """The active offers among `offer_ids` (ids as sent: one query, never every offer), by
    organisation and name."""
    ids = {offer_id for offer_id in offer_ids if isinstance(offer_id, int)}
    if not ids:
        return []
    return list(
        Offer.select()
        .where((Offer.active == True) & Offer.id.in_(sorted(ids)))  # noqa: E712
        .order_by(Offer.organisation_name, Offer.name)
    )


def offer_figures(organisation):
    """The organisation's own offers, each with how many citizens were bridged to it at closing
    and how many went (by the follow-up call), in percent of those asked: counts, never
    who."""
    went = fn.COALESCE(fn.SUM(OfferLink.went.cast("integer")), 0)
    rows = (
        Offer.select(
            Offer.id,
            Offer.name,
            Offer.organisation_name,
            Offer.active,
            fn.COUNT(OfferLink.id).alias("bridged"),
            went.alias("went_count"),
            fn.COUNT(OfferLink.went).alias("asked"),
        )
        .join(OfferLink, JOIN.LEFT_OUTER, on=(OfferLink.offer == Offer.id))
        .where(Offer.owner_organisation == organisation)
        .group_by(Offer.id, Offer.name, Offer.organisation_name, Offer.active)
        .order_by(Offer.name)
    )
    return [
        OfferFigures(
            o.id,
            o.name,
            o.organisation_name,
            o.active,
            o.bridged,
            int(o.went_count),
            o.asked,
            percent(int(o.went_count), o.asked),
        )
        for o in rows
    ]


def offer_links(course_id):
    """The offers a course bridged its citizen to, with the offer, by organisation and name."""
    return list(kept(("directory.offer_links",), _offer_links, course=course_id))


def _offer_links():
    return (
        OfferLink.select(OfferLink, Offer)
        .join(Offer)
        .where(OfferLink.course == slot("course"))
        .order_by(Offer.organisation_name, Offer.name)
    )

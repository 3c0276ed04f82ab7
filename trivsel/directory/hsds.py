"""Open Referral HSDS 3.0 in and out: the directory as services, organisations, locations."""

import json

from trivsel.core import labels
from trivsel.core.db import database, now
from trivsel.directory.models import Offer
from trivsel.directory.service import category_text, stable_id

# --- Open Referral HSDS 3.0 -------------------------------------------------------------------


class HsdsError(ValueError):
    """The file is not HSDS 3.0 services as Trivsel reads them; nothing was imported."""


def _services(document):
    """The services in an HSDS document: a list of services, one service, or an organization
    with its services (each given the organization)."""
    if isinstance(document, list):
        services = []
        for item in document:
            services.extend(_services(item))
        return services
    if not isinstance(document, dict):
        raise HsdsError("expected a JSON array or object")
    if "services" in document and "status" not in document:  # an organization
        organisation = {k: v for k, v in document.items() if k != "services"}
        return [{**service, "organization": organisation} for service in document["services"]]
    return [document]


def _first(items):
    return items[0] if isinstance(items, list) and items else {}


def _offer_values(service):
    for required in ("id", "name"):
        if not service.get(required):
            raise HsdsError(f"a service without {required!r}")
    organisation = service.get("organization") or {}
    service_location = _first(service.get("service_at_locations"))
    location = service_location.get("location") or {}
    address = _first(location.get("addresses"))
    schedule = _first(service.get("schedules")) or _first(service_location.get("schedules"))
    contact = _first(service.get("contacts"))
    phone = _first(service.get("phones")) or _first(contact.get("phones"))
    codes = []
    target_group = None
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        code = term.get("code") or attribute.get("value")
        if attribute.get("link_type") == "target_group" and code in labels.TARGET_GROUPS:
            target_group = code
        elif code in labels.OFFER_CATEGORIES:
            codes.append(code)
    place = ", ".join(
        p for p in (location.get("name"), address.get("address_1"), address.get("city")) if p
    )

    def age(value):
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    return {
        "hsds_id": str(service["id"]),
        "organisation_name": organisation.get("name") or "",
        "hsds_organisation_id": organisation.get("id"),
        "name": service["name"][:200],
        "description": service.get("description"),
        "eligibility": (service.get("eligibility_description") or "")[:300] or None,
        "minimum_age": age(service.get("minimum_age")),
        "maximum_age": age(service.get("maximum_age")),
        "target_group": target_group,
        "schedule": (schedule.get("description") or "")[:300] or None,
        "location": place[:300] or None,
        "hsds_location_id": location.get("id"),
        "area": address.get("city") or None,
        "contact_name": contact.get("name"),
        "contact_phone": phone.get("number"),
        "contact_email": service.get("email") or contact.get("email"),
        "url": service.get("url"),
        "categories": category_text(codes),
        "active": service.get("status", "active") == "active",
    }


def import_hsds(document):
    """Import HSDS services as offers; a service already imported (same id) is updated, not
    duplicated. All or nothing. Returns (added, updated)."""
    rows = [_offer_values(service) for service in _services(document)]
    added = updated = 0
    with database.atomic():
        for values in rows:
            existing = Offer.get_or_none(Offer.hsds_id == values["hsds_id"])
            if existing is None:
                Offer.create(source="hsds", source_key=values["hsds_id"], **values)
                added += 1
            else:
                Offer.update(updated_at=now(), **values).where(Offer.id == existing.id).execute()
                updated += 1
    return added, updated


def _term(code, label, vocabulary):
    return {
        "id": stable_id("term", vocabulary, code),
        "code": code,
        "name": str(label),
        "description": str(label),
        "taxonomy": vocabulary,
    }


def service_of(offer):
    """One offer as an HSDS 3.0 service with its organization and location nested."""
    organisation_id = offer.hsds_organisation_id or stable_id(
        "organisation", offer.organisation_name
    )
    service = {
        "id": offer.hsds_id,
        "organization_id": organisation_id,
        "name": offer.name,
        "status": "active" if offer.active else "inactive",
        "organization": {
            "id": organisation_id,
            "name": offer.organisation_name,
            "description": offer.organisation_name,
        },
    }
    optional = {
        "description": offer.description,
        "url": offer.url,
        "email": offer.contact_email,
        "eligibility_description": offer.eligibility,
        "minimum_age": offer.minimum_age,
        "maximum_age": offer.maximum_age,
    }
    service.update({k: v for k, v in optional.items() if v is not None})
    parts = {
        "schedules": _schedules(offer),
        "contacts": _contacts(offer),
        "service_at_locations": _locations(offer, organisation_id),
        "attributes": _attributes(offer),
    }
    service.update({name: part for name, part in parts.items() if part})
    return service


def _schedules(offer):
    if not offer.schedule:
        return []
    return [
        {
            "id": stable_id("schedule", offer.hsds_id),
            "service_id": offer.hsds_id,
            "description": offer.schedule,
        }
    ]


def _contacts(offer):
    if not (offer.contact_name or offer.contact_phone):
        return []
    contact_id = stable_id("contact", offer.hsds_id)
    contact = {"id": contact_id, "service_id": offer.hsds_id}
    if offer.contact_name:
        contact["name"] = offer.contact_name
    if offer.contact_phone:
        contact["phones"] = [
            {
                "id": stable_id("phone", offer.hsds_id),
                "contact_id": contact_id,
                "number": offer.contact_phone,
            }
        ]
    return [contact]


def _locations(offer, organisation_id):
    if not (offer.location or offer.area):
        return []
    location_id = offer.hsds_location_id or stable_id("location", offer.hsds_id)
    location = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organisation_id,
        "name": offer.location or offer.area,
    }
    if offer.area:
        location["addresses"] = [
            {
                "id": stable_id("address", offer.hsds_id),
                "location_id": location_id,
                "address_1": offer.location or offer.area,
                "city": offer.area,
                "state_province": offer.area,
                "postal_code": "",
                "country": "DK",
                "address_type": "physical",
            }
        ]
    return [
        {
            "id": stable_id("service_at_location", offer.hsds_id),
            "service_id": offer.hsds_id,
            "location_id": location_id,
            "location": location,
        }
    ]


def _attributes(offer):
    """The offer's categories and target group as attributes with taxonomy terms."""
    terms = [
        ("category", _term(code, labels.OFFER_CATEGORIES[code], "trivsel-categories"))
        for code in offer.category_codes
        if code in labels.OFFER_CATEGORIES
    ]
    group = offer.target_group
    if group in labels.TARGET_GROUPS:
        terms.append(
            ("target_group", _term(group, labels.TARGET_GROUPS[group], "trivsel-target-groups"))
        )
    return [
        {
            "id": stable_id("attribute", offer.hsds_id, term["id"]),
            "link_id": offer.hsds_id,
            "link_type": link_type,
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
        }
        for link_type, term in terms
    ]


def export_hsds():
    """Every offer (inactive ones with status "inactive") as a list of HSDS services."""
    return [service_of(offer) for offer in Offer.select().order_by(Offer.id)]


def dumps(document):
    return json.dumps(document, ensure_ascii=False, indent=2)

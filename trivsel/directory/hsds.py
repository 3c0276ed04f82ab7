"""Open Referral HSDS 3.0 in and out: the directory as services, organisations, locations.

An HSDS file is checked whole before anything is read from it: at most IMPORT_MAX_BYTES,
UTF-8 JSON (no NaN or Infinity), nested at most MAX_DEPTH deep, and valid against the
official HSDS 3.0 JSON schemas, which ship in hsds_schema/. A refusal names the first
problems (where in the document, and what was expected) and changes nothing."""

import itertools
import json
from functools import cache
from pathlib import Path

from trivsel.core import labels
from trivsel.core.db import database, now
from trivsel.directory.models import Offer
from trivsel.directory.service import category_text, stable_id

SCHEMAS = Path(__file__).with_name("hsds_schema")
# Deeper than any HSDS document nests (a service's location's address is 6 levels down).
MAX_DEPTH = 32
# The most values (objects, arrays and items, counted from the text) a document may have:
# some 20,000 services with everything they nest.
MAX_VALUES = 2_000_000
# The problems a refusal names.
MAX_ERRORS = 5
# The ages an offer may have: the ones a person can have.
MAX_AGE = 150

# --- Open Referral HSDS 3.0 -------------------------------------------------------------------


class HsdsError(ValueError):
    """The file is not HSDS 3.0 services as Trivsel reads them; nothing was imported."""


def read_document(path, max_bytes):
    """The JSON document of an HSDS file, checked for size, encoding, syntax and depth (not
    yet against the schema: import_hsds does that). Raises HsdsError."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise HsdsError(f"the file is {size:,} bytes; at most {max_bytes:,} can be imported")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HsdsError(f"not UTF-8: {exc}") from None
    return parse_document(text)


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def parse_document(text):
    """The JSON document in `text`, nested at most MAX_DEPTH deep and of at most MAX_VALUES
    values (counted from its commas and brackets before it is parsed: a file of a million
    tiny arrays would take gigabytes as Python objects). Raises HsdsError."""
    values = text.count(",") + text.count("[") + text.count("{")
    if values > MAX_VALUES:
        raise HsdsError(f"not JSON Trivsel reads: more than {MAX_VALUES:,} values")
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise HsdsError(f"not JSON Trivsel reads: nested more than {MAX_DEPTH} deep") from None
    except ValueError as exc:
        raise HsdsError(f"not JSON: {str(exc)[:200]}") from None
    check_depth(document)
    return document


def check_depth(document):
    """Refuse a document nested more than MAX_DEPTH deep (checked without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise HsdsError(f"not JSON Trivsel reads: nested more than {MAX_DEPTH} deep")
        stack.extend((child, depth + 1) for child in children)


@cache
def _validators():
    """{"service": validator, "organization": validator} of the HSDS 3.0 schemas."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resources(
        (
            path.name,
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")),
                default_specification=DRAFT202012,
            ),
        )
        for path in sorted(SCHEMAS.glob("*.json"))
    )
    checker = FormatChecker()
    return {
        kind: Draft202012Validator(
            {"$ref": f"{kind}.json"}, registry=registry, format_checker=checker
        )
        for kind in ("service", "organization")
    }


def _is_organisation(item):
    """An organization with its services, rather than a service."""
    return "services" in item and "status" not in item


def _where(prefix, error):
    path = prefix
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _problems(document):
    """The document's problems as HSDS 3.0, each "where: what was expected", in order."""
    validators = _validators()
    if isinstance(document, list):
        items = [(f"$[{i}]", item) for i, item in enumerate(document)]
    elif isinstance(document, dict):
        items = [("$", document)]
    else:
        yield f"$: expected a JSON array of services or an object, not {_kind(document)}"
        return
    for where, item in items:
        if not isinstance(item, dict):
            yield f"{where}: expected a service or an organization (an object), not {_kind(item)}"
            continue
        if not _is_organisation(item):
            for error in validators["service"].iter_errors(item):
                yield f"{_where(where, error)}: {error.message[:200]}"
            continue
        organisation = {k: v for k, v in item.items() if k != "services"}
        for error in validators["organization"].iter_errors(organisation):
            yield f"{_where(where, error)}: {error.message[:200]}"
        services = item["services"]
        if not isinstance(services, list):
            yield f"{where}.services: expected an array of services, not {_kind(services)}"
            continue
        for i, service in enumerate(services):
            for error in validators["service"].iter_errors(service):
                yield f"{_where(f'{where}.services[{i}]', error)}: {error.message[:200]}"


def _kind(value):
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def validate(document):
    """Refuse a document that is not HSDS 3.0 services (or organizations with their
    services), naming its first MAX_ERRORS problems. Raises HsdsError."""
    check_depth(document)
    problems = list(itertools.islice(_problems(document), MAX_ERRORS + 1))
    if problems:
        more = " (and more)" if len(problems) > MAX_ERRORS else ""
        shown = "; ".join(problems[:MAX_ERRORS])
        raise HsdsError(f"not valid HSDS 3.0{more}: {shown}")


def _services(document):
    """(where, service) of the services in a valid HSDS document: a list of services and
    organizations, one service, or an organization with its services (each given the
    organization). `where` is the service's path in the document, for messages."""
    if isinstance(document, list):
        items = [(f"$[{i}]", item) for i, item in enumerate(document)]
    else:
        items = [("$", document)]
    services = []
    for where, item in items:
        if _is_organisation(item):
            organisation = {k: v for k, v in item.items() if k != "services"}
            services.extend(
                (f"{where}.services[{i}]", {**service, "organization": organisation})
                for i, service in enumerate(item["services"])
            )
        else:
            services.append((where, item))
    return services


def _first(items):
    return items[0] if isinstance(items, list) and items else {}


def _text(value, length):
    """A text of the document for a field of `length` characters: cut to it; None if empty."""
    return value[:length] if isinstance(value, str) and value else None


def _id(value, where):
    """An HSDS id for a 64-character field; a longer one (no uuid is) is refused."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise HsdsError(f"not an id Trivsel keeps: {where}: at most 64 characters")
    return value


def _age(value, where):
    """An age from a number of the document: a whole number from 0 to MAX_AGE."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HsdsError(f"not valid HSDS 3.0: {where}: a number was expected")
    if value != value or not 0 <= value <= MAX_AGE or int(value) != value:
        raise HsdsError(f"not an age: {where}: a whole number of years from 0 to {MAX_AGE}")
    return int(value)


def _offer_values(service, where):
    """The Offer fields of one valid HSDS service; `where` names it in messages."""
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
    return {
        "hsds_id": _id(service["id"], f"{where}.id"),
        "organisation_name": _text(organisation.get("name"), 200) or "",
        "hsds_organisation_id": _id(organisation.get("id"), f"{where}.organization.id"),
        "name": service["name"][:200],
        "description": service.get("description"),
        "eligibility": _text(service.get("eligibility_description"), 300),
        "minimum_age": _age(service.get("minimum_age"), f"{where}.minimum_age"),
        "maximum_age": _age(service.get("maximum_age"), f"{where}.maximum_age"),
        "target_group": target_group,
        "schedule": _text(schedule.get("description"), 300),
        "location": _text(place, 300),
        "hsds_location_id": _id(location.get("id"), f"{where}.service_at_locations[0].location.id"),
        "area": _text(address.get("city"), 100),
        "contact_name": _text(contact.get("name"), 100),
        "contact_phone": _text(phone.get("number"), 30),
        "contact_email": _text(service.get("email") or contact.get("email"), 254),
        "url": _text(service.get("url"), 300),
        "categories": category_text(codes),
        "active": service.get("status", "active") == "active",
    }


def import_hsds(document):
    """Import HSDS services as offers; a service already imported (same id) is updated, not
    duplicated. The document is validated first (`validate`), and nothing is written unless
    every service can be. All or nothing. Returns (added, updated). Raises HsdsError."""
    validate(document)
    rows = [_offer_values(service, where) for where, service in _services(document)]
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

"""The limits of an import, and the checks of an .xlsx workbook made before openpyxl opens it.

An .xlsx file is a zip of XML parts, and a small one can unpack to gigabytes (a "zip bomb")
or hold millions of cells in one row, which openpyxl would build in memory before giving it
to us. So before the workbook is opened: its zip directory must be small, its parts' declared
unpacked sizes must add up to at most 100 bytes a cell of the budget (zipfile stops a part
at its declared size), and one streaming pass over its XML counts the cells (and shared
strings) against the budget, refuses DTDs, and stops at the first part past a limit."""

import os
import struct
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from flask import current_app, has_app_context
from flask_babel import gettext as _

from trivsel.core.config import DEFAULTS
from trivsel.statistics.history_format import ImportRefused

MB = 1024 * 1024
# The most bytes of unpacked XML a workbook may hold for each cell of its budget.
UNPACKED_BYTES_PER_CELL = 100
# The most parts a workbook may have (Excel's own have a dozen or two), the largest zip
# directory, the largest part other than the sheets and the shared strings (styles, theme,
# workbook: openpyxl reads those whole), and the most cells in one row (Excel's columns).
MAX_PARTS = 1000
MAX_DIRECTORY_BYTES = 1 * MB
MAX_OTHER_PART_BYTES = 4 * MB
MAX_ROW_CELLS = 16_384
# A CSV line longer than this is no history row (their columns are short).
MAX_LINE_BYTES = 64 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the largest import: a workbook, or the three CSV files together
    max_rows: int  # the most rows (after the header) of one table
    max_cells: int  # the most cells of a workbook

    @classmethod
    def configured(cls):
        """The app's limits (IMPORT_MAX_*), or the defaults outside an app."""
        config = current_app.config if has_app_context() else DEFAULTS
        return cls(
            max_bytes=int(config.get("IMPORT_MAX_BYTES") or DEFAULTS["IMPORT_MAX_BYTES"]),
            max_rows=int(config.get("IMPORT_MAX_ROWS") or DEFAULTS["IMPORT_MAX_ROWS"]),
            max_cells=int(config.get("IMPORT_MAX_XLSX_CELLS") or DEFAULTS["IMPORT_MAX_XLSX_CELLS"]),
        )

    @property
    def max_unpacked(self):
        return self.max_cells * UNPACKED_BYTES_PER_CELL


def count_text(n):
    """A count for messages, the Danish way: 200.000."""
    return f"{n:,}".replace(",", ".")


def size_text(size):
    """A size for messages, the Danish way: "20 MB", "1,5 MB", "2 kB"."""
    if size < MB:
        return f"{max(1, round(size / 1024))} kB"
    value = size / MB
    if value >= 10 or value == int(value):
        return f"{value:.0f} MB"
    return f"{value:.1f} MB".replace(".", ",")


def too_large(label, size, limits, files=1):
    """The refusal of a file (or `files` files together) larger than IMPORT_MAX_BYTES."""
    values = {"size": size_text(size), "max": size_text(limits.max_bytes)}
    if files == 1:
        problem = _("filen fylder %(size)s, men højst %(max)s kan indlæses ad gangen.", **values)
    else:
        problem = _("filerne fylder %(size)s, men højst %(max)s kan indlæses ad gangen.", **values)
    return ImportRefused(label, 1, problem)


def size_of(source):
    """The size in bytes of a path or a seekable file object (left at its start)."""
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(0)
    return size


# --- An .xlsx workbook ------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside the XML scan: the problem, for ImportRefused."""


def check_workbook(source, limits, label):
    """Refuse a workbook past a limit, or one that is no zip, before openpyxl opens it.
    `source` is a path or a seekable binary file; raises ImportRefused."""
    unreadable = ImportRefused(label, 1, _("filen kan ikke læses som et Excel-regneark."))
    size = size_of(source)
    if size > limits.max_bytes:
        raise too_large(label, size, limits)
    entries, directory = _zip_directory(source, size)
    if entries is None:
        raise unreadable
    if entries > MAX_PARTS or directory > MAX_DIRECTORY_BYTES:
        raise ImportRefused(label, 1, _("regnearket har for mange dele til at blive læst."))
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
            _check_declared_sizes(parts, limits)
            _scan_xml(archive, parts, limits)
    except _Stop as stop:
        raise ImportRefused(label, 1, str(stop)) from None
    except Exception:  # a bad zip, bad deflate data, bad XML, an encrypted part, ...
        raise unreadable from None
    finally:
        if not isinstance(source, str | os.PathLike):
            source.seek(0)


def _zip_directory(source, size):
    """(number of entries, size of the central directory) from the zip's end record, read
    before zipfile builds an object per entry; (None, None) when there is no end record."""
    tail_size = min(size, 22 + 65_535)  # the end record and the longest comment
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            handle.seek(size - tail_size)
            tail = handle.read(tail_size)
    else:
        source.seek(size - tail_size)
        tail = source.read(tail_size)
        source.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None, None
    _sig, _disk, _cd_disk, _here, entries, directory, _offset, _comment = struct.unpack(
        "<4s4H2LH", tail[at : at + 22]
    )
    if entries == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: no workbook needs it
        return MAX_PARTS + 1, directory
    return entries, directory


def _is_counted(name):
    """The parts whose size follows the cells: the sheets and the shared strings."""
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"


def _is_xml(name):
    """The parts openpyxl parses as XML (VML drawings are often not well-formed XML, and a
    read-only workbook never reads them)."""
    return name.endswith((".xml", ".rels"))


def _check_declared_sizes(parts, limits):
    total = 0
    for part in parts:
        total += part.file_size
        other = _is_xml(part.filename) and not _is_counted(part.filename)
        if other and part.file_size > MAX_OTHER_PART_BYTES:
            raise _Stop(_("en del af regnearket er for stor til at blive læst."))
    if total > limits.max_unpacked:
        raise _Stop(
            _(
                "regnearket fylder %(size)s udpakket, men højst %(max)s kan læses.",
                size=size_text(total),
                max=size_text(limits.max_unpacked),
            )
        )


def _scan_xml(archive, parts, limits):
    """One streaming pass over every XML part: the cells, and the shared strings, may each
    be at most the budget, and no row may have more than MAX_ROW_CELLS. Stops at once."""
    count = {"cells": 0, "strings": 0, "row": 0}
    too_many = _(
        "regnearket har flere end %(n)s celler; del det op, eller indlæs som CSV-filer.",
        n=count_text(limits.max_cells),
    )

    def start(name, _attributes):
        local = name.rpartition("}")[2]
        if local == "row":
            count["row"] = 0
        elif local == "c":
            count["cells"] += 1
            count["row"] += 1
            if count["cells"] > limits.max_cells:
                raise _Stop(too_many)
            if count["row"] > MAX_ROW_CELLS:
                raise _Stop(
                    _(
                        "en række i regnearket har flere end %(n)s celler.",
                        n=count_text(MAX_ROW_CELLS),
                    )
                )
        elif local == "si":  # a shared string: no more of them than cells
            count["strings"] += 1
            if count["strings"] > limits.max_cells:
                raise _Stop(too_many)

    def no_dtd(*_args):
        raise _Stop(_("regnearket indeholder en DTD, som et Excel-regneark ikke har."))

    for part in parts:
        if not _is_xml(part.filename):
            continue
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = start
        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)

"""Reading CSV/XLSX files as streams of rows, and writing CSV/XLSX safely.

Readers yield the header once and then one list of raw cells per row. Before the first row is handed
out, the whole file is read once, in constant memory, and refused (FileRefused, naming the line) when
it cannot be read faithfully: NUL bytes, mixed or unknown encodings, a quote that swallows the rows
after it, or an XLSX sheet too large for memory. A refusal therefore never comes after some rows were
written. CSV encoding and delimiter are detected; XLSX is read through python-calamine (first sheet).
"""

import codecs
import csv
import datetime as dt
import functools
import io
import posixpath
import re
import zipfile
import zlib
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineError, CalamineWorkbook

SNIFF_BYTES = 64 * 1024
SCAN_BYTES = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
# An XLSX is a zip of XML; real ones unpack to 5-20 times their size. A much higher ratio, or more
# than this many bytes unpacked, is a zip bomb meant to exhaust memory: refused before reading.
MAX_XLSX_RATIO = 200
MAX_XLSX_UNPACKED = 4 * 2**30


class FileRefused(Exception):
    """The file cannot be read as a whole: a message for the user in Bahasa Indonesia."""


def max_rows():
    """Data rows an import file may hold (CSV records, XLSX sheet rows)."""
    return settings.JANGKAU_IMPORT_MAX_ROWS


def max_sheet_bytes():
    """Unpacked size of an XLSX's first worksheet (and of its shared strings): calamine holds both in memory."""
    return settings.JANGKAU_XLSX_MAX_SHEET_BYTES


def max_sheet_cells():
    """Cells of the rectangle from A1 to an XLSX sheet's last used row and column: calamine allocates
    every cell of it (32 bytes each), so one stray cell at XFD1048576 in a 5 KB file would ask for 550 GB."""
    return settings.JANGKAU_XLSX_MAX_CELLS


class RowSource:
    """An open spreadsheet: ``header`` (list of str), ``rows`` (iterator of cell lists), ``progress()`` 0..1,
    and ``notices``: messages for the user about how the file was read (e.g. its encoding)."""

    def __init__(self, header, rows, progress, notices=None):
        self.header = header
        self.rows = rows
        self.progress = progress
        self.notices = list(notices or [])


def size_error(size):
    """The refusal message for a file over the configured size limit, else None."""
    limit = settings.JANGKAU_MAX_UPLOAD_BYTES
    if size > limit:
        return _("Berkas terlalu besar (%(size)d MB); batasnya %(limit)d MB.") % {
            "size": size // 2**20,
            "limit": limit // 2**20,
        }
    return None


# Bytes that never occur in a text file (tab, line breaks and form feed aside).
_BINARY_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20)])


def _looks_binary(head):
    return len(head) - len(head.translate(None, _BINARY_BYTES)) > len(head) // 100


def open_rows(binary, filename=""):
    """Opens a binary file object as a RowSource; raises FileRefused when it is not a readable table."""
    binary.seek(0, io.SEEK_END)
    if error := size_error(binary.tell()):
        raise FileRefused(error)
    binary.seek(0)
    head = binary.read(SNIFF_BYTES)
    binary.seek(0)
    if head.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return _open_xlsx(binary)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(_("Berkas tersimpan sebagai UTF-16 (Unicode Text); simpan ulang sebagai CSV UTF-8."))
    if _looks_binary(head):
        raise FileRefused(_("Berkas ini bukan CSV atau XLSX yang bisa dibaca."))
    return _open_csv(binary)


# CSV ----------------------------------------------------------------------------------------------

# A well-formed multi-byte UTF-8 sequence (what "José" saved as UTF-8 contains).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


class ScannedBytes(NamedTuple):
    encoding: str
    notices: list
    quoted: bool  # a double quote somewhere: only then can a record span lines
    line_breaks: int  # \n, \r and \r\n each counted once
    longest: int  # bytes of the longest run between two \n: a cell cannot be longer


def _scan_bytes(binary):
    """Reads the whole file once, 1 MB at a time: refuses NUL bytes and files that are neither UTF-8 nor
    Windows-1252 as a whole; returns its encoding and notices, whether it quotes and how many line breaks
    it has. UTF-8 (with or without BOM) when every byte decodes as UTF-8; Windows-1252 only when no part of
    the file is UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1  # the line the current chunk starts on
    utf8_line = not_utf8_line = undefined_line = None
    quoted, returns, pairs, longest, carry, after_return = False, 0, 0, 0, 0, False
    while chunk := binary.read(SCAN_BYTES):
        quoted = quoted or b'"' in chunk
        returns += chunk.count(b"\r")
        pairs += chunk.count(b"\r\n") + (after_return and chunk.startswith(b"\n"))
        after_return = chunk.endswith(b"\r")
        parts = chunk.split(b"\n")
        if len(parts) == 1:
            carry += len(chunk)
        else:
            longest = max(longest, carry + len(parts[0]), *map(len, parts[1:-1]))
            carry = len(parts[-1])
        if (nul := chunk.find(b"\x00")) >= 0:
            raise FileRefused(
                _("Berkas berisi karakter NUL pada baris %(line)d; simpan ulang sebagai CSV biasa.")
                % {"line": line + chunk.count(b"\n", 0, nul)}
            )
        if not_utf8_line is None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # error.start counts the bytes of an incomplete sequence left over from the last chunk
                at = max(error.start - (len(error.object) - len(chunk)), 0)
                not_utf8_line = line + chunk.count(b"\n", 0, at)
        if not chunk.isascii():
            if utf8_line is None and (found := _UTF8_SEQUENCE.search(chunk)):
                utf8_line = line + chunk.count(b"\n", 0, found.start())
            if undefined_line is None and (found := _CP1252_UNDEFINED.search(chunk)):
                undefined_line = line + chunk.count(b"\n", 0, found.start())
        line += chunk.count(b"\n")
    binary.seek(0)
    scanned = functools.partial(ScannedBytes, quoted=quoted, line_breaks=line - 1 + returns - pairs, longest=max(longest, carry))
    if not_utf8_line is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            not_utf8_line = line  # the file ends inside a UTF-8 sequence
        else:
            return scanned("utf-8-sig", [])
    if utf8_line is not None:
        raise FileRefused(
            _(
                "Berkas mencampur dua pengodean huruf: baris %(line)d bukan UTF-8, padahal baris %(utf8)d UTF-8. "
                "Simpan ulang seluruh berkas sebagai CSV UTF-8."
            )
            % {"line": not_utf8_line, "utf8": utf8_line}
        )
    if undefined_line is not None:
        raise FileRefused(
            _("Baris %(line)d berisi byte yang bukan huruf UTF-8 maupun Windows-1252; simpan ulang berkas sebagai CSV UTF-8.")
            % {"line": undefined_line}
        )
    return scanned("cp1252", [_("Berkas dibaca sebagai Windows-1252 (bukan UTF-8); periksa huruf beraksen.")])


def _detect_delimiter(first_line):
    return ";" if first_line.count(";") > first_line.count(",") else ","


# A record may span lines only inside a quoted cell; more lines than this in one record, or a file with
# far fewer records than lines, means a quote was left open and swallowed the rows after it.
MAX_LINES_PER_RECORD = 20
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_KEY_LIKE = re.compile(r"[A-Za-z]{0,4}[0-9]{6,}")  # a NIK, an NPP, a KPJ; not a postcode


def _looks_like_a_row(line, delimiter, width):
    """A line inside a quoted cell that reads like a row of its own: as many cells as the header, or
    at least two cells one of which looks like a key."""
    cells = line.split(delimiter)
    if len(cells) < 2:
        return False
    return len(cells) >= max(3, width) or any(_KEY_LIKE.fullmatch(cell.strip().strip('"')) for cell in cells)


def _swallowing_cell_line(cells, start, delimiter, width):
    """The line where a quoted cell of this record opened when its later lines read like rows, else None."""
    line = start
    for cell in cells:
        breaks = _LINE_BREAK.findall(cell)
        if breaks and any(_looks_like_a_row(part, delimiter, width) for part in _LINE_BREAK.split(cell)[1:]):
            return line
        line += len(breaks)
    return None


def _open_quote_refusal(line):
    return FileRefused(
        _(
            'Tanda kutip (") yang dibuka pada baris %(line)d tidak ditutup dengan benar: baris-baris sesudahnya '
            "terbaca sebagai isi satu sel. Periksa tanda kutip pada baris %(line)d."
        )
        % {"line": line}
    )


def _too_many_rows(rows):
    return FileRefused(
        _("Berkas berisi %(rows)d baris data; batasnya %(limit)d baris. Bagi berkas menjadi beberapa bagian.")
        % {"rows": rows, "limit": max_rows()}
    )


def _csv_error(error, line):
    if "field larger than field limit" in str(error):
        message = _("CSV rusak pada baris %(line)d: satu sel terlalu panjang (tanda kutip tidak ditutup?).")
    else:
        message = _("CSV rusak pada baris %(line)d: %(error)s")
    return FileRefused(message % {"line": line, "error": error})


def _scan_records(stream, delimiter, width):
    """Reads every record once (after the header line) and refuses the file when a quote swallowed rows."""
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        records = sum(1 for _cells in reader)
    except csv.Error:
        records = -1  # the detailed reading below finds the line
    if reader.line_num == records <= max_rows():
        return  # every record on its own line: nothing can have been swallowed
    stream.seek(0)
    stream.readline()
    reader = csv.reader(stream, delimiter=delimiter)
    records = previous = 0
    first_multiline = None
    try:
        for cells in reader:
            records += 1
            if reader.line_num - previous > 1:
                start = previous + 2  # the header is line 1
                if reader.line_num - previous > MAX_LINES_PER_RECORD:
                    raise _open_quote_refusal(start)
                if (line := _swallowing_cell_line(cells, start, delimiter, width)) is not None:
                    raise _open_quote_refusal(line)
                first_multiline = first_multiline or start
            previous = reader.line_num
    except csv.Error as error:
        raise _csv_error(error, previous + 2) from error
    if first_multiline and reader.line_num > 2 * records + 10:
        raise FileRefused(
            _(
                'Berkas punya %(lines)d baris teks tetapi hanya %(rows)d baris data: tanda kutip (") yang dibuka '
                "pada baris %(line)d kemungkinan tidak ditutup."
            )
            % {"lines": reader.line_num + 1, "rows": records, "line": first_multiline}
        )
    if records > max_rows():
        raise _too_many_rows(records)


def _open_csv(binary):
    # Django's File wrappers answer `closed` through two properties, which the text layer asks for every
    # line: read the plain file object underneath (two million such calls cost ~1 s per million rows).
    while not isinstance(binary, io.IOBase) and getattr(binary, "file", None) is not None:
        binary = binary.file
    binary.seek(0, io.SEEK_END)
    size = binary.tell() or 1
    binary.seek(0)
    encoding, notices, quoted, line_breaks, longest = _scan_bytes(binary)
    stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
    first_line = stream.readline()
    if not first_line.strip():
        raise FileRefused(_("Berkas kosong: baris judul kolom tidak ditemukan."))
    delimiter = _detect_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    if quoted or line_breaks > max_rows() or longest > csv.field_size_limit():
        # Without a double quote no record spans lines: each line is one record, there are few enough, and
        # none is too long to read (checked here, before the first row is written, not in the middle).
        _scan_records(stream, delimiter, len(header))
    stream.seek(0)
    stream.readline()
    reader = csv.reader(stream, delimiter=delimiter)

    def progress():
        try:
            return min(binary.tell() / size, 1.0)
        except (ValueError, OSError):
            return 1.0

    def rows():
        try:
            yield from reader
        except csv.Error as error:  # the file changed since it was scanned
            raise _csv_error(error, reader.line_num + 1) from error
        except UnicodeDecodeError as error:
            raise FileRefused(_("Berkas berubah saat dibaca; unggah ulang.")) from error

    return RowSource(header, rows(), progress, notices)


# XLSX ---------------------------------------------------------------------------------------------

_SHEET_ID = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\s(?:\w+:)?id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = {name: re.compile(rb"\s" + name + rb'="([^"]+)"') for name in (b"Id", b"Target")}
# ` r="B12"` on a cell, ` r="12"` on a row: where calamine places what follows.
_REFERENCE = re.compile(rb' r="([A-Z]{0,5})([0-9]{1,12})"')
_SMALL_PART = 10 * 2**20
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError)


def _check_xlsx(binary):
    """Refuses, before calamine reads anything, a zip bomb and a first sheet too large for memory."""
    binary.seek(0, io.SEEK_END)
    packed = binary.tell() or 1
    binary.seek(0)
    try:
        with zipfile.ZipFile(binary) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * packed:
                raise FileRefused(
                    _("Berkas XLSX ini membengkak menjadi %(size)d MB saat dibuka (zip bomb?); tidak diproses.")
                    % {"size": unpacked // 2**20}
                )
            _check_sheet(archive)
    except _ZIP_ERRORS as error:
        raise FileRefused(_("Berkas XLSX tidak bisa dibaca.")) from error
    finally:
        binary.seek(0)


def _first_sheet(archive):
    """The part name of the first worksheet (the one calamine reads), or None when it cannot be told."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    with archive.open("xl/workbook.xml") as part:
        first = _SHEET_ID.search(part.read(_SMALL_PART))
    if not first:
        return None
    with archive.open("xl/_rels/workbook.xml.rels") as part:
        relationships = _RELATIONSHIP.findall(part.read(_SMALL_PART))
    for relationship in relationships:
        found = {name: pattern.search(relationship) for name, pattern in _ATTRIBUTE.items()}
        if found[b"Id"] and found[b"Target"] and found[b"Id"].group(1) == first.group(1):
            target = found[b"Target"].group(1).decode("utf-8", "replace")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return name if name in names else None
    return None


def _check_sheet(archive):
    names = archive.namelist()
    sheet = _first_sheet(archive)
    sheets = [sheet] if sheet else [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    limit = max_sheet_bytes()
    for name in names:
        if name.lower().endswith("sharedstrings.xml"):  # calamine holds every shared string in memory
            _measure_part(archive, name, limit)
    for name in sheets:
        rows, last_row, columns = _measure_part(archive, name, limit)
        extent = max(rows, last_row)
        if extent - 1 > max_rows():
            raise _too_many_rows(extent - 1)
        if extent * columns > max_sheet_cells():
            raise FileRefused(
                _(
                    "Lembar kerja XLSX terbentang sampai baris %(rows)d dan kolom ke-%(columns)d (%(cells)d sel); "
                    "batasnya %(limit)d sel. Hapus isi dan format sel di luar tabel, lalu simpan ulang."
                )
                % {"rows": extent, "columns": columns, "cells": extent * columns, "limit": max_sheet_cells()}
            )


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@functools.lru_cache(maxsize=256)
def _beyond(last_row, last_column):
    """A pattern finding a reference past the last row or the last column seen so far: most blocks of a
    sheet have none, so the search stays cheap while every reference is still looked at."""
    digits, letters = str(last_row), _column_letters(last_column)
    rows = [f"[0-9]{{{len(digits) + 1},12}}"]
    rows += [f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{len(digits) - i - 1}}}" for i, d in enumerate(digits) if d != "9"]
    columns = [f"[A-Z]{{{len(letters) + 1},5}}"] if len(letters) < 5 else []
    columns += [f"{letters[:i]}[{chr(ord(c) + 1)}-Z][A-Z]{{{len(letters) - i - 1}}}" for i, c in enumerate(letters) if c != "Z"]
    row_part = "|".join(rows)
    column_part = "|".join(columns) or "(?!)"
    return re.compile(f' r="(?:[A-Z]{{0,5}}(?:{row_part})|(?:{column_part})[0-9]{{1,12}})"'.encode())


# A cell without a reference (it takes the next column): `<c>`, `<c t="s">`, `<c/>`.
_UNREFERENCED_CELL = re.compile(rb'<(?:\w+:)?c(?:\s+(?!r=)[\w:]+="[^"]*")*\s*/?>')


def _cell_tags(text):
    return text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/") + text.count(b":c ")


def _measure_part(archive, name, limit):
    """Streams one part's XML, 1 MB at a time, and refuses it past `limit` bytes unpacked; returns
    (row tags, last row referenced, columns spanned), as calamine would place the cells."""
    size = rows = last_row = last_column = widest = open_row = 0
    loose = False  # cells without references were seen
    carry = b""
    with archive.open(name) as part:
        while True:
            chunk = part.read(SCAN_BYTES)
            size += len(chunk)
            if size > limit:
                raise FileRefused(
                    _(
                        "Lembar kerja XLSX terlalu besar saat dibuka (lebih dari %(limit)d MB); "
                        "bagi berkas menjadi beberapa bagian."
                    )
                    % {"limit": limit // 2**20}
                )
            data = carry + chunk
            if chunk:
                # Cut before the last tag: no tag, and so no reference in it, is split between two blocks.
                cut = data.rfind(b"<")
                if cut == 0 and b">" not in data:  # one tag longer than a block
                    if len(data) > _SMALL_PART:
                        raise FileRefused(_("Berkas XLSX tidak bisa dibaca."))
                    carry = data
                    continue
                if cut <= 0:
                    cut = len(data)
                block, carry = data[:cut], data[cut:]
            else:
                block, carry = data, b""
            rows += block.count(b"<row")
            # The block's last reference first: in a sheet written in order it is the block's largest.
            if (at := block.rfind(b' r="')) >= 0 and (last := _REFERENCE.match(block, at)):
                last_row = max(last_row, int(last.group(2)))
                last_column = max(last_column, _column_number(last.group(1)))
            position = 0
            while found := _beyond(last_row, last_column).search(block, position):
                reference = _REFERENCE.match(found.group())
                last_row = max(last_row, int(reference.group(2)))
                last_column = max(last_column, _column_number(reference.group(1)))
                position = found.end()
            # Every writer puts the reference first (`<c r="B2"`); anything else is looked at closely.
            if open_row or (
                (block.count(b"<c ") != block.count(b'<c r="') or b"<c>" in block or b"<c/" in block or b":c" in block)
                and _UNREFERENCED_CELL.search(block)
            ):
                # A cell without a reference takes the next column, a row without one the next row.
                counts = [_cell_tags(piece) for piece in block.split(b"<row")]
                counts[0] += open_row
                widest = max(widest, *counts)
                open_row = counts[-1]
                loose = True
            if not chunk:
                break
    return rows, last_row + (rows if loose else 0), last_column + widest


def _open_xlsx(binary):
    _check_xlsx(binary)
    try:
        workbook = CalamineWorkbook.from_filelike(binary)
        sheet = workbook.get_sheet_by_index(0)
        total = max(sheet.height, 1)
        iterator = sheet.iter_rows()
        header = next(iterator, None)
    except CalamineError as error:
        raise FileRefused(_("Berkas XLSX tidak bisa dibaca: %(error)s") % {"error": error}) from error
    except Exception as error:  # calamine raises plain errors for corrupt zips
        raise FileRefused(_("Berkas XLSX tidak bisa dibaca.")) from error
    if not header:
        raise FileRefused(_("Berkas kosong: baris judul kolom tidak ditemukan."))
    position = [1]

    def rows():
        for row in iterator:
            position[0] += 1
            yield row

    return RowSource([str(cell) for cell in header], rows(), lambda: position[0] / total)


# A text cell starting with one of these is a formula to a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralises spreadsheet formula injection in a text cell; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(header, rows):
    """Yields CSV text lines (for a streaming response or a file), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()


# Indonesian column titles of the XLSX exports, by the machine name the CSV keeps (INTERFACES.md). A name
# missing here is written as it is.
EXPORT_LABELS = {
    "city_code": gettext_lazy("Kode kab/kota"),
    "city_name": gettext_lazy("Kabupaten/kota"),
    "province_code": gettext_lazy("Kode provinsi"),
    "active_pu": gettext_lazy("Peserta aktif PU"),
    "active_bpu": gettext_lazy("Peserta aktif BPU"),
    "active_total": gettext_lazy("Peserta aktif"),
    "potential_pu": gettext_lazy("Potensi PU"),
    "potential_bpu": gettext_lazy("Potensi BPU"),
    "potential_total": gettext_lazy("Potensi tenaga kerja"),
    "ucj_percent": gettext_lazy("UCJ (%)"),
    "ucj_pu_percent": gettext_lazy("UCJ PU (%)"),
    "ucj_bpu_percent": gettext_lazy("UCJ BPU (%)"),
    "gap": gettext_lazy("Belum terlindungi"),
    "target_percent": gettext_lazy("Target (%)"),
    "screened_out": gettext_lazy("Tidak memenuhi syarat"),
    "candidate": gettext_lazy("Calon penerima"),
    "verified": gettext_lazy("Lolos verifikasi"),
    "rejected": gettext_lazy("Ditolak pada pemadanan"),
    "account_invalid": gettext_lazy("Rekening bermasalah"),
    "determined": gettext_lazy("Ditetapkan"),
    "disbursed": gettext_lazy("Tersalurkan"),
    "returned": gettext_lazy("Dana dikembalikan"),
    "recipients": gettext_lazy("Penerima"),
    "amount_disbursed": gettext_lazy("Dana tersalurkan (Rp)"),
    "disbursed_percent": gettext_lazy("Tersalurkan (%)"),
    "returned_to_treasury": gettext_lazy("Dikembalikan ke kas negara"),
    "uncovered_pu": gettext_lazy("Belum terlindungi PU"),
    "uncovered_bpu": gettext_lazy("Belum terlindungi BPU"),
    "pds_workers": gettext_lazy("Belum didaftarkan perusahaan terdaftar (PDS)"),
    "pwbd_workers": gettext_lazy("Pekerja perusahaan belum daftar (PWBD)"),
    "pu_unexplained": gettext_lazy("Sisa PU belum terjelaskan"),
    "employers_in_arrears": gettext_lazy("Perusahaan menunggak iuran"),
    "workers_at_stake": gettext_lazy("Pekerja terancam nonaktif"),
}
# Titles of the exports by the first part of their file name ("ucj-2025-06-30", "bsu-BSU-2025").
EXPORT_TITLES = {
    "ucj": gettext_lazy("Cakupan Universal Jamsostek (UCJ)"),
    "bsu": gettext_lazy("Penyaluran Bantuan Subsidi Upah (BSU)"),
    "gap": gettext_lazy("Rincian kesenjangan cakupan"),
}
# Query parameters named in the title block (the others only shape the page: sorting, paging).
EXPORT_FILTERS = {
    "province": gettext_lazy("provinsi"),
    "office": gettext_lazy("kantor"),
    "city": gettext_lazy("kabupaten/kota"),
    "programme": gettext_lazy("program"),
    "group": gettext_lazy("dikelompokkan per"),
    "stuck_days": gettext_lazy("macet lebih dari (hari)"),
}
NOT_FILTERS = {"_export", "as_of", "sort", "page", "per_page"}
_NUMBER_FORMATS = {int: "#,##0", Decimal: "#,##0.00", float: "#,##0.00"}


def _column_title(name, labels):
    return str(labels.get(name, name))


def xlsx_response(filename, header, rows, *, title=None, notes=(), labels=None):
    """An XLSX download (openpyxl, write-only): an optional title and note lines, then the header with the
    Indonesian title of each machine name (EXPORT_LABELS, or `labels`), then the rows. Numbers stay number
    cells (thousands grouping shown as the reader's Excel does it); every text cell is made safe."""
    from django.http import HttpResponse
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    labels = EXPORT_LABELS if labels is None else labels
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\\/*?:\[\]]", "-", filename.rsplit(".", 1)[0])[:31] or "Sheet")
    titles = [_column_title(name, labels) for name in header]
    for index, text in enumerate(titles, start=1):
        sheet.column_dimensions[_column_letters(index)].width = min(max(len(text) + 2, 10), 40)
    lines = [*([title] if title else []), *notes]
    # Set before the first row: a write-only sheet writes its view (the frozen header) ahead of the rows.
    sheet.freeze_panes = f"A{len(lines) + 2}"
    for number, line in enumerate(lines):
        cell = WriteOnlyCell(sheet, value=safe_cell(str(line)))
        if number == 0 and title:
            cell.font = Font(bold=True, size=13)
        sheet.append([cell])
    bold = Font(bold=True)
    header_cells = []
    for text in titles:
        cell = WriteOnlyCell(sheet, value=safe_cell(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(sheet, value, cell_class):
    number_format = _NUMBER_FORMATS.get(value.__class__)
    if number_format is None:
        return safe_cell(value)
    cell = cell_class(sheet, value=value)
    cell.number_format = number_format
    return cell


def _iso_date(text):
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or "") else None
    except ValueError:
        return None


def export_scope(user):
    """The region a user's exports cover, in words: their office or regency/city, or the whole country."""
    access = getattr(user, "access", None)  # the user's Access row; a missing one raises an AttributeError
    place = access and (access.office or access.city)
    return str(place) if place else _("seluruh Indonesia")


def export_notes(request, *, as_of=None, scope=None):
    """The line under an export's title: its date, the user's scope and the filters of the page."""
    if as_of is None:
        as_of = _iso_date(request.GET.get("as_of")) or timezone.localdate()
    scope = export_scope(request.user) if scope is None else scope
    parts = [
        _("Data per %(date)s") % {"date": date_format(as_of, "j F Y")},
        _("cakupan: %(scope)s") % {"scope": scope},
    ]
    filters = [
        f"{EXPORT_FILTERS.get(key, key[:40])} {value[:60]}"
        for key, value in request.GET.items()
        if key not in NOT_FILTERS and value
    ]
    if filters:
        parts.append(_("filter: %(filters)s") % {"filters": ", ".join(filters)})
    return "; ".join(parts)


def export_response(request, filename, header, rows, *, title=None, as_of=None, scope=None, labels=None):
    """The `?_export=csv` (streamed) or `?_export=xlsx` download of `rows`, or None for the HTML page.

    The CSV is for machines: the header exactly as given, plain values. The XLSX is for people: a title
    (`title`, else the one of the file name's first part), a line with the date (`as_of`, else a date
    ending the file name, else the page's `as_of` parameter, else today), the scope (`scope`, else the
    user's) and the filters, then the columns under their Indonesian titles (`labels`, else EXPORT_LABELS).
    """
    from django.http import StreamingHttpResponse

    export = request.GET.get("_export")
    if export == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export == "xlsx":
        prefix, _dash, detail = filename.partition("-")
        dated = _iso_date(detail)  # "ucj-2025-06-30": the date the figures are of
        if as_of is None:
            as_of = dated
        if title is None:
            title = EXPORT_TITLES.get(prefix, filename)
            if detail and not dated:  # a programme code
                title = f"{title} {detail}"
        notes = [export_notes(request, as_of=as_of, scope=scope)]
        return xlsx_response(f"{filename}.xlsx", header, list(rows), title=title, notes=notes, labels=labels)
    return None

"""Reading CSV/XLSX files as streams of rows, and writing CSV/XLSX safely.

Readers yield the header once and then one list of raw cells per row, in constant memory for CSV
(encoding and delimiter detected). XLSX is read through python-calamine (first sheet).
"""

import codecs
import csv
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
# An XLSX is a zip of XML; real ones unpack to 5-20 times their size. A much higher ratio, or more
# than this many bytes unpacked, is a zip bomb meant to exhaust memory: refused before reading.
MAX_XLSX_RATIO = 200
MAX_XLSX_UNPACKED = 4 * 2**30


class FileRefused(Exception):
    """The file cannot be read as a whole: a message for the user in Bahasa Indonesia."""


def _detect_encoding(binary):
    """UTF-8 (with or without BOM) when every byte decodes as UTF-8, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    start = binary.tell()
    try:
        while chunk := binary.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    binary.seek(start)
    return encoding


def _detect_delimiter(first_line):
    return ";" if first_line.count(";") > first_line.count(",") else ","


class RowSource:
    """An open spreadsheet: ``header`` (list of str), ``rows`` (iterator of cell lists), ``progress()`` 0..1."""

    def __init__(self, header, rows, progress):
        self.header = header
        self.rows = rows
        self.progress = progress


def size_error(size):
    """The refusal message for a file over the configured size limit, else None."""
    limit = settings.JANGKAU_MAX_UPLOAD_BYTES
    if size > limit:
        return _("Berkas terlalu besar (%(size)d MB); batasnya %(limit)d MB.") % {
            "size": size // 2**20,
            "limit": limit // 2**20,
        }
    return None


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
    if b"\x00" in head:
        raise FileRefused(_("Berkas ini bukan CSV atau XLSX yang bisa dibaca."))
    return _open_csv(binary)


def _open_csv(binary):
    binary.seek(0, io.SEEK_END)
    size = binary.tell() or 1
    binary.seek(0)
    encoding = _detect_encoding(binary)
    stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
    first_line = stream.readline()
    if not first_line.strip():
        raise FileRefused(_("Berkas kosong: baris judul kolom tidak ditemukan."))
    delimiter = _detect_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    reader = csv.reader(stream, delimiter=delimiter)

    def progress():
        try:
            return min(binary.tell() / size, 1.0)
        except (ValueError, OSError):
            return 1.0

    def rows():
        try:
            yield from reader
        except csv.Error as error:
            raise FileRefused(
                _("CSV rusak pada baris %(line)d: %(error)s") % {"line": reader.line_num, "error": error}
            ) from error

    return RowSource(header, rows(), progress)


def _check_unpacked_size(binary):
    binary.seek(0, io.SEEK_END)
    packed = binary.tell() or 1
    binary.seek(0)
    try:
        with zipfile.ZipFile(binary) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise FileRefused(_("Berkas XLSX tidak bisa dibaca.")) from error
    finally:
        binary.seek(0)
    if unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * packed:
        raise FileRefused(
            _("Berkas XLSX ini membengkak menjadi %(size)d MB saat dibuka (zip bomb?); tidak diproses.")
            % {"size": unpacked // 2**20}
        )


def _open_xlsx(binary):
    _check_unpacked_size(binary)
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


def xlsx_response(filename, header, rows):
    """An XLSX download (openpyxl, write-only) with every text cell made safe."""
    from django.http import HttpResponse
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([safe_cell(name) for name in header])
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(request, filename, header, rows):
    """The `?_export=csv` (streamed) or `?_export=xlsx` download of `rows`, or None for the HTML page."""
    from django.http import StreamingHttpResponse

    export = request.GET.get("_export")
    if export == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export == "xlsx":
        return xlsx_response(f"{filename}.xlsx", header, list(rows))
    return None

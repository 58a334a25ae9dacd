"""Checks for uploaded files: images (logos, sector pictures) and trade data files."""

import codecs

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}
SNIFF_BYTES = 64 * 1024


def check_image(upload, *, max_bytes: int, too_big: str) -> None:
    """A new image upload (already opened by Pillow through ImageField) is PNG, JPEG or WebP and
    at most max_bytes; `too_big` is the message when it is larger."""
    if not hasattr(upload, "image"):  # the stored file, unchanged
        return
    if upload.image.format not in IMAGE_FORMATS:
        raise ValidationError(_("Upload a PNG, JPEG or WebP image."))
    if upload.size > max_bytes:
        raise ValidationError(too_big)


def check_csv(upload, *, max_bytes: int) -> None:
    """A trade data upload is a UTF-8 CSV file (by its name and its first bytes) of at most
    max_bytes: anything else is refused before it reaches a worker."""
    if not upload.name.lower().endswith(".csv"):
        raise ValidationError(_("Upload a CSV file (.csv)."))
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file must be %(size)s or smaller.") % {"size": filesizeformat(max_bytes)}
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if b"\x00" in head:
        raise ValidationError(_("This is not a text file: upload the CSV file itself."))
    try:
        # Unless the whole file was read, its last character may be cut in two: not an error.
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file must be encoded in UTF-8.")) from error
    if b"," not in head.split(b"\n", 1)[0]:
        raise ValidationError(_("The first line must be the CSV header, with commas."))


def check_pdf(upload, *, max_bytes: int) -> None:
    """An attachment is a PDF of at most max_bytes, judged by its bytes (it must start as a PDF
    and parse as one, with at least one page), never by its name or the browser's content type."""
    too_big = _("The attachment must be %(size)s or smaller.") % {"size": filesizeformat(max_bytes)}
    if upload.size > max_bytes:
        raise ValidationError(too_big)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    not_pdf = _("The attachment must be a PDF file (a catalogue or a price list).")
    if head != b"%PDF-":
        raise ValidationError(not_pdf)
    try:
        pages = len(PdfReader(upload).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(not_pdf) from error
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(not_pdf)

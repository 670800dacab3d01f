"""Real, small PDF / PNG / JPEG files for upload tests (the upload checks read their structure)."""

import io


def real_pdf(note: str = "") -> bytes:
    """A one-page PDF; ``note`` goes into its metadata, so tests can tell files apart."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if note:
        writer.add_metadata({"/Title": note})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def real_image(kind: str = "PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()

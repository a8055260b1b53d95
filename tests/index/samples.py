"""Real files of every format, written for tests by the libraries that read them (python-docx,
python-pptx, EbookLib, openpyxl) or by hand (CSV), and a scanned PDF: text rendered to an
image by Pillow and wrapped, image only, in a PDF."""

from __future__ import annotations

import io

# One fact per sample, on a known page, slide, chapter or sheet: (sentence, page).
DOCX_FACT = "The Velloran turbine spins at exactly 4200 revolutions per minute."
PPTX_FACT = "Quarterly churn at Brindlecorp fell to 3 percent after the loyalty scheme."
PPTX_SLIDE = 2
EPUB_FACT = "The lighthouse keeper Ondrel Vasque logged every passing ship in green ink."
EPUB_CHAPTER = 2
XLSX_SHEET = 2  # the sheet holding the Marrowfield row
CSV_ROW = ("Quillon", "Saffire Bay", "1873")
SCANNED_FACT = "The Harrowgate observatory recorded a comet on the ninth of March."


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Turbine handbook"
    document.add_heading("Turbine handbook", level=1)
    document.add_paragraph("This handbook describes the machines of the Velloran plant.")
    document.add_heading("Speeds", level=2)
    document.add_paragraph(DOCX_FACT)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Machine", "Output"
    table.cell(1, 0).text, table.cell(1, 1).text = "Velloran turbine", "12 megawatts"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx_bytes() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Brindlecorp review"
    first.placeholders[1].text = "An overview of the year."
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "Customers"
    second.placeholders[1].text = PPTX_FACT
    box = second.shapes.add_textbox(Inches(1), Inches(5), Inches(6), Inches(1))
    box.text_frame.text = "Source: the customer team."
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def epub_bytes() -> bytes:
    bodies = ["The storm came in from the west and lasted nine days.", EPUB_FACT]
    return epub_of("The Lighthouse", "lighthouse-1", bodies)


def epub_of(title: str, identifier: str, bodies: list[str]) -> bytes:
    """An EPUB of one chapter per body, "Chapter 1" onwards, in reading order."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language("en")
    chapters = []
    for number, body in enumerate(bodies, start=1):
        chapter = epub.EpubHtml(title=f"Chapter {number}", file_name=f"ch{number}.xhtml")
        chapter.content = f"<h1>Chapter {number}</h1><p>{body}</p>"
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Summary"
    first.append(["Note"])
    first.append(["Harvest figures by farm are on the next sheet."])
    farms = book.create_sheet("Farms")
    farms.append(["Farm", "Crop", "Tonnes"])
    farms.append(["Ellery", "barley", 310])
    farms.append(["Marrowfield", "rye", 845.0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes() -> bytes:
    rows = [("Ship", "Home port", "Launched"), ("Calloway", "Dunmere", "1851"), CSV_ROW]
    return "\n".join(";".join(row) for row in rows).encode()


def scanned_pdf_bytes(text: str = SCANNED_FACT) -> bytes:
    """A one-page PDF with no text layer: an A4 page that is a 200 dpi picture of `text`."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (1654, 2339), "white")
    font = ImageFont.load_default(size=44)
    draw = ImageDraw.Draw(page)
    words, line, y = text.split(), "", 200
    for word in words:  # wrap within the page's margins
        if draw.textlength(f"{line} {word}", font=font) > 1350:
            draw.text((150, y), line, fill="black", font=font)
            line, y = word, y + 70
        else:
            line = f"{line} {word}".strip()
    draw.text((150, y), line, fill="black", font=font)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=200)
    return out.getvalue()

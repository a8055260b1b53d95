"""A new user's folder, for regression tests of the first ten minutes: a dozen realistic files
of every format the index reads (Word, PowerPoint, Excel, CSV, EPUB, a text PDF, Markdown,
HTML, plain text), with names, roles, dates, figures and tables, plus a corrupt PDF and an empty
file that must be skipped with a reason. Each file is written by the library that reads its
format (python-docx, python-pptx, openpyxl, EbookLib, fpdf2) or by hand.

The facts are invented, so an answer can only come from these files."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from tests.index import samples
from tests.index.pdfs import make_pdf


def heron_pptx() -> bytes:
    from pptx import Presentation

    deck = Presentation()
    slides = [
        ("Project Heron review", "Presented by Amara Okafor, Head of Product.\nMarch 2024"),
        (
            "Budget",
            "The total budget for Project Heron in 2024 is 1.2 million euros.\n"
            "Engineering takes the largest share of the budget.",
        ),
        (
            "Timeline",
            "The beta of the Heron app opens to testers on 3 June 2024.\n"
            "General availability of the Heron app follows on 16 September 2024.",
        ),
    ]
    for title, body in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def bike_html() -> bytes:
    return b"""<!doctype html><html><head><title>Bike repair guide</title></head><body>
<h1>Bike repair guide</h1>
<p class="byline">Written by Jonas Weber</p>
<h2>Fixing a flat tyre</h2>
<p>Remove the wheel, lever the tyre off the rim and find the puncture by pumping the tube
under water. Patch the hole with a vulcanising patch and let the glue dry for five minutes.</p>
<h2>Adjusting the brakes</h2>
<p>Turn the barrel adjuster anticlockwise until the pads sit two millimetres from the rim.</p>
</body></html>"""


def marathon_csv() -> bytes:
    rows = [
        "Place,Runner,Club,Time",
        "1,Keiko Tanaka,Riverside Harriers,2:31:04",
        "2,Marek Novak,Eastgate Running Club,2:33:47",
        "3,Sofia Lindgren,Riverside Harriers,2:35:12",
    ]
    return ("\n".join(rows) + "\n").encode()


def garden_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Garden club meeting minutes, 4 May 2024", level=1)
    document.add_paragraph("Chair: Priya Raman")
    document.add_paragraph("Minutes taken by: Tom Hale")
    document.add_paragraph(
        "The club planted forty oak saplings along the northern fence of the allotments."
    )
    document.add_paragraph(
        "Members agreed to raise the annual subscription from 20 to 25 pounds from January."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def suppliers_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Suppliers"
    sheet.append(["Name", "Company", "Country", "Contact"])
    sheet.append(["Tobias Lindqvist", "Nordic Honey Co.", "Sweden", "tobias@nordichoney.se"])
    sheet.append(["Ravi Menon", "Nilgiri Spice Co.", "India", "ravi@nilgirispice.in"])
    stock = book.create_sheet("Stock")
    stock.append(["Product", "Jars in stock"])
    stock.append(["Manuka honey", 340])
    stock.append(["Clover honey", 1210])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def visits_txt() -> bytes:
    return (
        b"Supplier visits, 2024\n\n"
        b"In September 2024, our buyer Lucia Fernandes visited Waikato Bees Co. in New Zealand "
        b"to inspect the hives before renewing the contract.\n\n"
        b"In November 2024, the quality team audited the Nilgiri Spice Co. warehouse in Kochi.\n"
    )


def invoice_pdf() -> bytes:
    return make_pdf(
        [
            "Invoice 2024-0719\n"
            "Issued 19 July 2024 by Harbourside Printing Ltd. to Greenleaf Books.\n"
            "Printing of 500 catalogues: 1,850.00 EUR.\n"
            "Delivery: 150.00 EUR.\n"
            "The total amount due on invoice 2024-0719 is 2,000.00 EUR, payable within 30 days."
        ]
    )


def water_html() -> bytes:
    return b"""<!doctype html><html><head><title>Water quality report 2023</title></head><body>
<h1>Water quality report 2023</h1>
<p>The average lead concentration in the town's tap water in 2023 was 3.1 micrograms per
litre, well under the legal limit of 10 micrograms per litre.</p>
<p>Nitrate levels stayed stable throughout the year.</p>
</body></html>"""


def fair_md() -> bytes:
    return (
        b"# Summer fair\n\n"
        b"The summer fair takes place on **Saturday 22 June 2024** on the village green.\n\n"
        b"Stalls cost *15 pounds* each; book one with the [parish office](https://example.org).\n"
    )


def orchard_epub() -> bytes:
    bodies = [
        "The orchard was planted in 1962 by Harriet Cole on her father's farm.",
        "Every October the pickers bring in around nine tonnes of Bramley apples.",
    ]
    return samples.epub_of("A year in the orchard", "orchard-1", bodies)


FILES: dict[str, Callable[[], bytes]] = {
    "heron_review.pptx": heron_pptx,
    "bike_repair.html": bike_html,
    "city_marathon_2024.csv": marathon_csv,
    "garden_club_minutes.docx": garden_docx,
    "suppliers.xlsx": suppliers_xlsx,
    "supplier_visits.txt": visits_txt,
    "invoice_2024-0719.pdf": invoice_pdf,
    "water_quality.html": water_html,
    "summer_fair.md": fair_md,
    "orchard.epub": orchard_epub,
    "broken.pdf": lambda: b"%PDF-1.4\n this is not a real pdf",
    "empty.txt": lambda: b"",
}
READABLE = len(FILES) - 2  # the corrupt PDF and the empty file are skipped


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in FILES.items():
        (folder / name).write_bytes(make())
    return folder

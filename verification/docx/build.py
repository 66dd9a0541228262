"""Builds the Word templates of the drafted documents (`verification/docx/*.docx`) in the layout of Nghị định
30/2020/NĐ-CP (Appendix I): A4, Times New Roman 13–14 pt, margins 20–25 / 30–35 / 15–20 mm; the issuing body and
the document's number (số, ký hiệu) on the left, the national title (quốc hiệu) and motto (tiêu ngữ) with the place
and date on the right; the title centred; the recipients (nơi nhận) bottom left, the signature bottom right.

The templates hold docxtpl (Jinja) tags that `verification.drafts` fills from the records. Run
`manage.py build_docx_templates` after changing this file; the .docx files are kept in the repository.
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FOLDER = Path(__file__).resolve().parent
FONT = "Times New Roman"


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _para(container, text="", *, bold=False, italic=False, size=14, align=None, space_after=0):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        run.font.name = FONT
    return p


def _cell_para(cell, text, **kw):
    """The first paragraph of a fresh cell is reused, so cells do not start with an empty line."""
    if len(cell.paragraphs) == 1 and not cell.paragraphs[0].text:
        p = cell.paragraphs[0]
        if kw.get("align") is not None:
            p.alignment = kw["align"]
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = kw.get("bold", False), kw.get("italic", False), Pt(kw.get("size", 13))
        run.font.name = FONT
        return p
    return _para(cell, text, **{"size": 13, **kw})


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _header(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell_para(left, "{{ issuer_parent }}", size=13, align=center)
    _cell_para(left, "{{ issuer }}", bold=True, size=13, align=center)
    _cell_para(left, "Số: {{ number }}", size=13, align=center)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=center)
    _cell_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align=center)
    _cell_para(
        right, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True, size=14, align=center
    )


def _title(doc) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "", space_after=6)
    _para(doc, "{{ doc_type }}", bold=True, align=center)
    _para(doc, "{{ title }}", bold=True, align=center, space_after=6)
    _para(doc, "{%p if addressee %}", size=14)
    _para(doc, "Kính gửi: {{ addressee }}", align=center, space_after=6)
    _para(doc, "{%p endif %}", size=14)


def _body(doc, name="body") -> None:
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(doc, f"{{%p for line in {name} %}}")
    p = _para(doc, "{{ line }}", align=justify, space_after=6)
    p.paragraph_format.first_line_indent = Mm(10)
    _para(doc, "{%p endfor %}")


def _grid(doc, headers: list[str], cells: list[str], loop: str, *, widths=None) -> None:
    """A table with a header row and one row per item of `loop` ("r in rows")."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for i, text in enumerate(headers):
        _cell_para(table.rows[0].cells[i], text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_para(table.rows[1].cells[0], f"{{%tr for {loop} %}}", size=12)
    for i, text in enumerate(cells):
        _cell_para(table.rows[2].cells[i], text, size=12)
    _cell_para(table.rows[3].cells[0], "{%tr endfor %}", size=12)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)
    _para(doc, "", space_after=6)


CRITERIA_TABLE = (
    ["TT", "Tiêu chí", "Chỉ tiêu", "Yêu cầu", "Kết quả", "Đánh giá"],
    ["{{ r.number }}", "{{ r.criterion }}", "{{ r.indicator }}", "{{ r.target }}", "{{ r.value }}", "{{ r.assessed }}"],
    "r in criteria",
    [12, 38, 50, 25, 25, 20],
)


def _footer(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    _cell_para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    _cell_para(left, "{%p for r in recipients %}", size=11)
    _cell_para(left, "- {{ r }};", size=11)
    _cell_para(left, "{%p endfor %}", size=11)
    _cell_para(left, "- Lưu: VT.", size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell_para(right, "{{ sign_for }}", bold=True, size=13, align=center)
    _cell_para(right, "{{ signer_title }}", bold=True, size=13, align=center)
    for _ in range(3):
        _cell_para(right, "", size=13)
    _cell_para(right, "{{ signer_name }}", bold=True, size=14, align=center)


def _annex(doc) -> None:
    p = _para(doc, "")
    p.add_run().add_break(WD_BREAK.PAGE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "DANH SÁCH", bold=True, align=center)
    _para(doc, "{{ annex_title }}", bold=True, align=center)
    _para(
        doc,
        "(Kèm theo Quyết định số {{ number }} ngày {{ day }}/{{ month }}/{{ year }} của {{ issuer_short }})",
        italic=True,
        align=center,
        space_after=6,
    )
    _grid(
        doc,
        ["TT", "Đơn vị", "Thuộc", "Mức đạt chuẩn", "Năm"],
        ["{{ a.n }}", "{{ a.unit }}", "{{ a.parent }}", "{{ a.level }}", "{{ a.year }}"],
        "a in annex",
        widths=[12, 55, 50, 35, 18],
    )


def build_results_report(doc):
    _header(doc)
    _title(doc)
    _body(doc)
    _para(
        doc,
        "Kết quả thực hiện các tiêu chí (bảng kết quả năm {{ year_assessed }}: {{ met }}/{{ total }} tiêu chí đạt):",
        bold=True,
        space_after=6,
    )
    _grid(doc, *CRITERIA_TABLE[:3], widths=CRITERIA_TABLE[3])
    _body(doc, "closing")
    _footer(doc)


def build_verification_report(doc):
    build_results_report(doc)


def build_appraisal_minutes(doc):
    _header(doc)
    _title(doc)
    _body(doc)
    _para(doc, "Thành phần Hội đồng:", bold=True, space_after=6)
    _grid(
        doc,
        ["TT", "Họ và tên", "Chức vụ, đơn vị", "Vai trò"],
        ["{{ m.n }}", "{{ m.name }}", "{{ m.position }}", "{{ m.role }}"],
        "m in members",
        widths=[12, 50, 70, 38],
    )
    _para(doc, "Kết quả kiểm tra thực tế và thẩm định các tiêu chí:", bold=True, space_after=6)
    _grid(doc, *CRITERIA_TABLE[:3], widths=CRITERIA_TABLE[3])
    _para(doc, "Kết quả biểu quyết: {{ tally }}", bold=True, space_after=6)
    _body(doc, "closing")
    _footer(doc)


def build_submission(doc):
    _header(doc)
    _title(doc)
    _body(doc)
    _grid(doc, *CRITERIA_TABLE[:3], widths=CRITERIA_TABLE[3])
    _body(doc, "closing")
    _footer(doc)


def build_decision(doc):
    _header(doc)
    _title(doc)
    _body(doc, "grounds")
    _para(doc, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    _body(doc)
    _footer(doc)
    _annex(doc)


BUILDERS = {
    "results_report": build_results_report,
    "verification_report": build_verification_report,
    "appraisal_minutes": build_appraisal_minutes,
    "submission": build_submission,
    "decision": build_decision,
}


def build_all(folder: Path = FOLDER) -> list[Path]:
    paths = []
    for name, builder in BUILDERS.items():
        doc = _document()
        builder(doc)
        path = folder / f"{name}.docx"
        doc.save(path)
        paths.append(path)
    return paths

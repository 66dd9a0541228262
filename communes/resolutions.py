"""Reading the National Assembly Standing Committee's resolutions that reorganised the commune-level units.

The 34 resolutions of 16 June 2025 (1654–1687/NQ-UBTVQH15, one per new province) say in Article 1, clause by
clause, which units form each new one, in one sentence pattern:

    "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của các xã A, B và C thành xã mới có tên gọi là xã D."

with variants for a part of a unit ("một phần diện tích tự nhiên, quy mô dân số của phường X", "phần còn lại của
phường Y sau khi sắp xếp theo quy định tại khoản 5 Điều này"), special zones ("thành đặc khu có tên gọi là đặc
khu Z"), renamings ("Đổi tên xã K thành xã L") and a closing clause naming the units left as they were ("... và 02
xã không thực hiện sắp xếp là xã Sảng Mộc, xã Thượng Quan"). This module turns such text (Markdown converted from
the published documents) into `Clause` records naming units by type and name; matching the names to official
codes is the caller's job (`communes.national`), because it needs the list of units before the reform.

Pure text processing: no database, no Django.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

WHOLE = "whole"
PART = "part"

KIND_NEW = "new"  # "thành xã mới": every predecessor ends, a new unit starts
KIND_RENAMED = "renamed"  # "Đổi tên": the unit continues under another name (a new unit in this system's terms)
KIND_UNCHANGED = "unchanged"  # "không thực hiện sắp xếp": the unit continues as it was
KIND_SUMMARY = "summary"  # "Sau khi sắp xếp, tỉnh X có N đơn vị ...": counts only

# Type words as the resolutions write them → the unit types of communes.choices (districts: "huyen").
TYPE_WORDS = {
    "thị trấn": "thi_tran",
    "đặc khu": "dac_khu",
    "phường": "phuong",
    "xã": "xa",
    "huyện": "huyen",
}
TYPE_PREFIXES = {
    "xa": "Xã",
    "phuong": "Phường",
    "thi_tran": "Thị trấn",
    "dac_khu": "Đặc khu",
    "huyen": "Huyện",
}
_TYPE_RE = "|".join(TYPE_WORDS)


@dataclass(frozen=True)
class NamedUnit:
    """A unit as a clause names it: its type, its name without the type word, the disambiguation the text adds in
    brackets ("huyện Phú Bình"; "huyện Châu Thành; tỉnh Bến Tre") and how much of it the clause moves."""

    unit_type: str
    name: str
    qualifier: str = ""
    share: str = WHOLE

    @property
    def full_name(self) -> str:
        """The name as official lists write it: "Xã Tân Cương", "Phường 3"."""
        return "{} {}".format(TYPE_PREFIXES[self.unit_type], self.name)


@dataclass
class Clause:
    number: str
    text: str
    kind: str
    target: NamedUnit | None = None
    sources: list[NamedUnit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def citation(self) -> str:
        return "khoản {} Điều 1".format(self.number)


@dataclass
class Resolution:
    number: str
    date: datetime.date | None
    province: str  # as the title writes it: "tỉnh Thái Nguyên", "thành phố Hà Nội"
    clauses: list[Clause] = field(default_factory=list)
    unchanged: list[NamedUnit] = field(default_factory=list)
    unchanged_clause: str = ""


# --- text clean-up -----------------------------------------------------------------------------------------------------

_GLUED = [
    # Markdown conversion glued words together: "Chợ Chuvà", "Côn Minhthành", "củathị trấn", "xãBình Thành".
    (re.compile(r"\bgọi(?=là)"), "gọi "),
    (re.compile(r"(?<=\w)(và|thành)(?=[\s,.]|$|xã|phường|thị trấn|đặc khu|các)"), r" \1"),
    (re.compile(r"(?<=\w)(của|sau)(?=\s)"), r" \1"),
    (re.compile(r"(?<=\w)(xã|phường)(?= [A-ZĐ])"), r" \1"),
    (re.compile(r"\btại(?=khoản|các)"), "tại "),
    (re.compile(r"\b(số|là|thành)(?=của|các|xã|phường|thị trấn|đặc khu)"), r"\1 "),
    (re.compile(r"\b(của|và)(?=thị trấn|xã|phường|các|một|phần|đặc khu)"), r"\1 "),
    (re.compile(r"\b(khoản|xếp)(?=[0-9]|toàn|một|phần)"), r"\1 "),
    (re.compile(r"\bcác(?=xã|phường|thị trấn)"), "các "),
    (re.compile(r"\)(?=[^\s,.)])"), ") "),
    (re.compile(r"\s*\(\s*"), " ("),
    (re.compile(r"\s*\)"), ")"),
]


def clean(text: str) -> str:
    """One line of plain text: Markdown marks and escapes removed, spacing and glued words repaired."""
    text = text.replace("**", "").replace("<br>", " ").replace("\\", "").replace("*", "")
    text = text.replace("\u2019", "'").replace("\u2013", "-")
    text = " ".join(unicodedata.normalize("NFC", text).split())
    text = "".join(
        " " + ch if i and ch.isupper() and text[i - 1].islower() else ch for i, ch in enumerate(text)
    )  # "xãBình Thành": a capital right after a small letter starts a word
    for _pass in range(2):  # "Thànhthànhphường" needs two
        for pattern, repl in _GLUED:
            text = pattern.sub(repl, text)
    return " ".join(text.split())


# --- a resolution ------------------------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"Số:\s*(\d+/NQ-UBTVQH15)")
_DATE_RE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})")
_TITLE_RE = re.compile(r"CẤP XÃ CỦA\s+((?:TỈNH|THÀNH PHỐ)\s+.+?)\s+NĂM\s+2025", re.S)
_CLAUSE_START_RE = re.compile(r"^(\d+)\s*\\?\.\s*(.*)$", re.S)


def parse_resolution(markdown: str) -> Resolution:
    """The number, date, province and every clause of Article 1 of one resolution."""
    markdown = unicodedata.normalize("NFC", markdown)
    number = _NUMBER_RE.search(markdown)
    day = _DATE_RE.search(markdown)
    title = _TITLE_RE.search(markdown)
    province = " ".join(title.group(1).split()).lower() if title else ""  # "tỉnh thái nguyên"
    resolution = Resolution(
        number=number.group(1) if number else "",
        date=datetime.date(int(day.group(3)), int(day.group(2)), int(day.group(1))) if day else None,
        province=province,
    )
    start = markdown.find("Điều 1.")
    end = markdown.find("Điều 2.", start)
    body = markdown[start : end if end > 0 else None]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body)]
    clauses: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        match = _CLAUSE_START_RE.match(paragraph)
        if match:
            clauses.append((match.group(1), match.group(2)))
        elif clauses and paragraph and not paragraph.startswith("**"):
            clauses[-1] = (clauses[-1][0], clauses[-1][1] + " " + paragraph)
    for number_text, text in clauses:
        clause = parse_clause(number_text, text)
        if clause.kind == KIND_SUMMARY:
            continue
        if clause.kind == KIND_UNCHANGED:
            resolution.unchanged.extend(clause.sources)
            resolution.unchanged_clause = clause.number
        else:
            resolution.clauses.append(clause)
    return resolution


# --- one clause --------------------------------------------------------------------------------------------------------

_TARGET_TYPE_RE = _TYPE_RE + "|Phường|Xã"
_TARGET_RE = re.compile(
    r"\s+thành\s+(?:(?:{t})\s+mới|đặc khu)\s+có tên gọi là\s+({tt})\s+(.+?)\.?$".format(t=_TYPE_RE, tt=_TARGET_TYPE_RE)
)
# A few clauses leave out "mới có tên gọi là": "... thành xã Ninh Thạnh Lợi."
_TARGET_SHORT_RE = re.compile(r"\s+thành\s+({t})\s+(?!mới\b)([^,]+?)\.?$".format(t=_TYPE_RE))
_RENAME_RE = re.compile(r"^Đổi tên\s+({t})\s+(.+?)\s+thành\s+({t})\s+(.+?)\.?$".format(t=_TYPE_RE))
_UNCHANGED_RE = re.compile(r"không thực hiện sắp xếp là\s+(.+?)\.?$")
_AFTER_RE = re.compile(r"\s*sau khi (?:thực hiện )?sắp xếp theo quy định tại .*?Điều này")
# "toàn bộ diện tích tự nhiên, quy mô dân số của" (whole) and the ways a part is written.
_SHARE_RE = re.compile(
    r"(?P<whole>(?:toàn )?bộ diện tích tự nhiên,? (?:và )?quy mô dân(?: số)?(?: của)?)"
    r"|toàn bộ(?= (?:các )?(?:xã|phường|thị trấn))"
    r"|(?P<part>một phần diện tích(?: tự nhiên)?(?:, (?:toàn bộ )?quy mô dân(?: số)?| và quy mô dân số)?(?: của)?"
    r"|một phần quy mô dân số(?: của)?|phần quy mô dân số còn lại của|toàn bộ diện tích tự nhiên của"
    r"|phần còn lại của)"
)
# "Phường 1" (numbered wards) writes the type word with a capital; "Phường Đúc" is a name.
_NUMBER = r"(?= (?:\d|[IVX]+\b))"
_ITEM_TYPE_RE = re.compile(r"^(?:các\s+)?({t}|Phường{n}|Xã{n})\s+(.*)$".format(t=_TYPE_RE, n=_NUMBER))
_NUMBERED_RE = re.compile(r"^(?:Phường|Xã)" + _NUMBER + r"\s+")
_QUALIFIER_RE = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")


def parse_clause(number: str, raw: str) -> Clause:
    """One clause: what it forms (`target`), from what (`sources`, each with its share), or what stays as it was."""
    text = clean(raw)
    clause = Clause(number=number, text=text, kind=KIND_NEW)
    if text.startswith("Sau khi sắp xếp") and "không thực hiện sắp xếp" not in text:
        clause.kind = KIND_SUMMARY
        return clause
    if "không thực hiện sắp xếp" in text:
        clause.kind = KIND_UNCHANGED
        match = _UNCHANGED_RE.search(text)
        clause.sources = _units(match.group(1), WHOLE, clause) if match else []
        return clause
    renamed = _RENAME_RE.match(text)
    if renamed:
        clause.kind = KIND_RENAMED
        clause.sources = [NamedUnit(TYPE_WORDS[renamed.group(1)], renamed.group(2).strip())]
        clause.target = NamedUnit(TYPE_WORDS[renamed.group(3)], renamed.group(4).strip())
        return clause
    target = _TARGET_RE.search(text) or _TARGET_SHORT_RE.search(text)
    if not text.startswith(("Sắp xếp", "Nhập")) or target is None:
        clause.problems.append("not in the pattern of a reorganisation clause")
        return clause
    clause.target = NamedUnit(TYPE_WORDS[target.group(1).lower()], target.group(2).strip())
    sources = re.sub(r"^(Sắp xếp|Nhập)\s+", "", text[: target.start()])
    sources = _AFTER_RE.sub("", sources)
    share, position, found = WHOLE, 0, []
    for match in _SHARE_RE.finditer(sources):
        found.extend(_units(sources[position : match.start()], share, clause))
        share = WHOLE if match.group("whole") else PART
        position = match.end()
    found.extend(_units(sources[position:], share, clause))
    clause.sources = _merge(found)
    if not clause.sources:
        clause.problems.append("no predecessor named")
    return clause


def _units(segment: str, share: str, clause: Clause) -> list[NamedUnit]:
    """The units of one stretch of text sharing one share: "các xã A, B và thị trấn C (huyện D)"."""
    segment = segment.strip(" ,.")
    segment = re.sub(r"^(của|và)\s+", "", segment)
    segment = re.sub(r"\s+(và|của)$", "", segment)
    units, unit_type = [], None
    # Commas inside brackets ("(huyện Châu Thành, tỉnh Bến Tre)") do not separate units; a type word does even
    # without a comma ("thị trấn Thiên Cầm xã Nam Phúc Thăng").
    segment = re.sub(r"\([^)]*\)", lambda m: m.group(0).replace(",", ";"), segment)
    for item in re.split(r",\s*|\s+và\s+|(?<!các)(?<!thị)\s+(?=(?:xã|phường|thị trấn|đặc khu)\s)", segment):
        item = item.strip(" ,.")
        item = re.sub(r"^(của|và)\s+", "", item)
        if not item:
            continue
        typed = _ITEM_TYPE_RE.match(item)
        if typed:
            unit_type, item = TYPE_WORDS[typed.group(1).lower()], _NUMBERED_RE.sub("", typed.group(2).strip())
        if unit_type is None:
            clause.problems.append("no unit type before '{}'".format(item))
            continue
        qualifier = ""
        bracketed = _QUALIFIER_RE.match(item)
        if bracketed:
            item, qualifier = bracketed.group(1).strip(), bracketed.group(2).strip()
        if not item:
            continue
        units.append(NamedUnit(unit_type, item, qualifier, share))
    return units


def _merge(units: list[NamedUnit]) -> list[NamedUnit]:
    """A unit named twice in a clause ("một phần diện tích tự nhiên, toàn bộ quy mô dân số của X ... một phần diện
    tích tự nhiên của X") is listed once; it moves only in part if any mention is a part."""
    merged: dict[tuple, NamedUnit] = {}
    for unit in units:
        key = (unit.unit_type, unit.name, unit.qualifier)
        if key in merged and merged[key].share != unit.share:
            unit = NamedUnit(unit.unit_type, unit.name, unit.qualifier, PART)
        merged[key] = unit
    return list(merged.values())

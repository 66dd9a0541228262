"""Building the national data files of the July 2025 reform from the public dvhcvn/20250701 repository.

Source: https://github.com/dvhcvn/20250701 (MIT licence, © 2025 dvhcvn). It holds the 34 resolutions of June 2025
(1654–1687/NQ-UBTVQH15) as Markdown (input/docs/), the Statistics Office's list of the new codes (Official letter
1027/CTK-CSCL of 25/06/2025, input/docs/1027_CTK-CSCL.md), the 10,047 communes before the reform with their
districts (output/<province>/<district>/<commune>.json, from daohoangson/dvhcvn) and its own old → new mapping
(mapping/merges.json), made with a language model and cross-checked against the ministry's merger map.

`build(source)` reads those files and returns the two data files this project ships:

* the units before the reform (63 provinces, their districts and communes as of 30/06/2025), in the normalised
  snapshot format of communes/data/thai_nguyen_2023.json;
* the successions of the reform: for each of the 3,321 new units, its predecessors (code, name, whole or part),
  the clause and the resolution, parsed from the resolutions' text by `communes.resolutions`, with the new codes
  of 1027/CTK-CSCL; then compared with dvhcvn's mapping, every difference kept in the file; and the codes of the
  vietnam-provinces package that differ from 1027/CTK-CSCL (the package follows the Statistics Office's draft).

`manage.py build_national_successions --source PATH` writes them; the result is committed, so nothing here runs
when the application loads units.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import unicodedata
from collections import defaultdict
from pathlib import Path

from . import resolutions as res
from .choices import CommuneType, DistrictType, ProvinceType
from .services.snapshots import name_key

REPOSITORY_URL = "https://github.com/dvhcvn/20250701"
LICENCE = "MIT License, Copyright (c) 2025 dvhcvn (" + REPOSITORY_URL + "/blob/main/LICENSE)"
REFORM_DATE = datetime.date(2025, 7, 1)
PROVINCE_RESOLUTION = {"number": "202/2025/QH15", "date": "2025-06-12"}

PROVINCE_TYPES = [("Thành phố ", ProvinceType.CITY), ("Tỉnh ", ProvinceType.PROVINCE)]
DISTRICT_TYPES = [
    ("Huyện ", DistrictType.DISTRICT),
    ("Quận ", DistrictType.URBAN_DISTRICT),
    ("Thị xã ", DistrictType.TOWN),
    ("Thành phố ", DistrictType.CITY),
]
COMMUNE_TYPES = [
    ("Xã ", CommuneType.COMMUNE),
    ("Phường ", CommuneType.WARD),
    ("Thị trấn ", CommuneType.TOWNSHIP),
    ("Đặc khu ", CommuneType.SPECIAL_ZONE),
]


class SourceError(Exception):
    pass


# --- reading the repository (a checkout or a bare git directory) -------------------------------------------------------


class Source:
    """Files of the dvhcvn/20250701 repository, from a working copy or, with `git`, from a bare mirror's HEAD."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.is_checkout = (self.path / "mapping").is_dir()
        if not self.is_checkout and not (self.path / "HEAD").exists():
            raise SourceError("{}: neither a checkout of dvhcvn/20250701 nor a git directory".format(self.path))

    def names(self, folder: str) -> list[str]:
        if self.is_checkout:
            root = self.path / folder
            return sorted(str(p.relative_to(self.path)) for p in root.rglob("*") if p.is_file())
        out = self._git("ls-tree", "-r", "--name-only", "HEAD", folder)
        return sorted(out.decode().split())

    def read(self, name: str) -> str:
        return self.read_many([name])[name]

    def read_many(self, names: list[str]) -> dict[str, str]:
        if self.is_checkout:
            return {n: (self.path / n).read_text(encoding="utf-8") for n in names}
        data = self._git("cat-file", "--batch", stdin="\n".join("HEAD:" + n for n in names) + "\n")
        result, pos = {}, 0
        for name in names:
            eol = data.index(b"\n", pos)
            header = data[pos:eol].split()
            if len(header) < 3 or header[1] != b"blob":
                raise SourceError("{}: not in the repository".format(name))
            size = int(header[2])
            result[name] = data[eol + 1 : eol + 1 + size].decode("utf-8")
            pos = eol + 1 + size + 1
        return result

    def _git(self, *args: str, stdin: str | None = None) -> bytes:
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "--git-dir", str(self.path), *args],  # noqa: S607
            input=stdin.encode() if stdin else None,
            capture_output=True,
            check=False,
        )
        if done.returncode:
            raise SourceError(done.stderr.decode(errors="replace").strip())
        return done.stdout


# --- the units before the reform ---------------------------------------------------------------------------------------


def _typed(name: str, types) -> str:
    for prefix, unit_type in types:
        if name.casefold().startswith(prefix.casefold()):
            return unit_type
    raise SourceError("no unit type in the name {!r}".format(name))


def _is_typed(name: str, types) -> bool:
    return any(name.casefold().startswith(prefix.casefold()) for prefix, _t in types)


def _canonical(name: str, types) -> str:
    """The name with its type word spelled as official lists spell it ("Thành Phố Bắc Kạn" → "Thành phố Bắc Kạn")."""
    name = " ".join(name.split())
    for prefix, _unit_type in types:
        if name.casefold().startswith(prefix.casefold()):
            return prefix + name[len(prefix) :]
    return name


def old_units(source: Source) -> dict:
    """The 63 provinces, their districts and 10,047 communes as they stood on 30/06/2025 (snapshot format)."""
    splits = json.loads(source.read("mapping/splits.json"))["data"]
    files = [n for n in source.names("output") if n.count("/") == 3 and n.endswith(".json")]
    bodies = source.read_many(files)
    districts: dict[tuple[str, str], dict] = {}
    for name in files:
        _out, province_code, district_code, filename = name.split("/")
        # "Phường Quán Triều, Thành phố Thái Nguyên, Tỉnh Thái Nguyên"; a few list the district first.
        address = json.loads(bodies[name])["address"].split(", ")[:-1]
        if len(address) != 2:
            raise SourceError("{}: unexpected address {!r}".format(name, address))
        if not _is_typed(address[0], COMMUNE_TYPES):
            address.reverse()
        commune_name = _canonical(address[0], COMMUNE_TYPES)
        district_name = _canonical(address[1], DISTRICT_TYPES)
        district = districts.setdefault(
            (province_code, district_code),
            {
                "code": district_code,
                "name": district_name,
                "unit_type": _typed(district_name, DISTRICT_TYPES),
                "communes": [],
            },
        )
        district["communes"].append(
            {"code": filename[:-5], "name": commune_name, "unit_type": _typed(commune_name, COMMUNE_TYPES)}
        )
    provinces = []
    for p in splits:
        for d in p.get("level2s", []):  # island districts without communes (they became special zones)
            districts.setdefault(
                (p["level1_id"], d["level2_id"]),
                {
                    "code": d["level2_id"],
                    "name": d["name"],
                    "unit_type": _typed(d["name"], DISTRICT_TYPES),
                    "communes": [],
                },
            )
        provinces.append(
            {
                "code": p["level1_id"],
                "name": p["name"],
                "unit_type": _typed(p["name"], PROVINCE_TYPES),
                "districts": sorted(
                    (d for (pc, _dc), d in districts.items() if pc == p["level1_id"]), key=lambda d: d["code"]
                ),
            }
        )
    for province in provinces:
        for district in province["districts"]:
            district["communes"].sort(key=lambda c: c["code"])
    provinces.sort(key=lambda p: p["code"])
    return {
        "source": "{} (output/, from daohoangson/dvhcvn v20250301; {})".format(REPOSITORY_URL, LICENCE),
        "as_of": "2025-06-30",
        "note": (
            "Every province, district and commune-level unit on the eve of the July 2025 reform: 63 provinces, "
            "the district-level units (five island districts had no communes), 10,047 communes. Generated by "
            "`manage.py build_national_successions`; do not edit by hand."
        ),
        "provinces": provinces,
    }


# --- the new units (1027/CTK-CSCL) -------------------------------------------------------------------------------------


def _province_key(name: str) -> str:
    name = " ".join(name.split())
    for prefix in ("thành phố ", "tp ", "tp. ", "tỉnh "):
        if name.casefold().startswith(prefix):
            name = name[len(prefix) :]
    return name_key(name)


def new_units(source: Source, provinces: list[dict]) -> list[dict]:
    """The 3,321 units from 1 July 2025 with their codes, from the table of 1027/CTK-CSCL."""
    by_name = {_province_key(p["name"]): p["code"] for p in provinces}
    units = []
    for line in source.read("input/docs/1027_CTK-CSCL.md").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[1].isdigit() or len(cells[1]) != 5:
            continue
        name = " ".join(cells[2].replace("<br>", " ").split())
        province = by_name.get(_province_key(cells[3].replace("<br>", " ")))
        if province is None:
            raise SourceError("1027/CTK-CSCL: unknown province {!r}".format(cells[3]))
        units.append(
            {"province_code": province, "code": cells[1], "name": name, "unit_type": _typed(name, COMMUNE_TYPES)}
        )
    return units


# --- matching a clause's names to codes --------------------------------------------------------------------------------


class OldIndex:
    """The units before the reform of the provinces that form one new province, looked up as a clause names them."""

    def __init__(self, snapshot: dict, province_codes: list[str]):
        self.by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
        self.by_bare_name: dict[str, list[dict]] = defaultdict(list)
        self.by_letters: dict[str, list[dict]] = defaultdict(list)
        for p in snapshot["provinces"]:
            if p["code"] not in province_codes:
                continue
            for d in p["districts"]:
                entry = {"level": "district", "province": p, "district": d, **d}
                self.by_name[("huyen", name_key(d["name"]))].append(entry)
                for c in d["communes"]:
                    entry = {"level": "commune", "province": p, "district": d, **c}
                    self.by_name[(c["unit_type"], name_key(c["name"]))].append(entry)
                    self.by_bare_name[name_key(_bare(c["name"]))].append(entry)
                    self.by_letters[letters(_bare(c["name"]))].append(entry)

    def find(self, unit: res.NamedUnit) -> tuple[dict | None, str, list[dict]]:
        """The unit a clause names, or None, why not and the candidates when there are several."""
        key = name_key(unit.full_name) if unit.unit_type != "huyen" else name_key("Huyện " + unit.name)
        candidates = self.by_name.get((unit.unit_type, key), [])
        note = ""
        if not candidates and unit.unit_type != "huyen":
            candidates = self.by_bare_name.get(name_key(unit.name), [])
            note = "named as {} but listed as {}".format(unit.unit_type, "/".join(c["unit_type"] for c in candidates))
        if not candidates and unit.unit_type != "huyen":
            # Names of the uplands are spelled in several ways (Nặm/Nậm, Sỹ/Sĩ, Phố/Phó): letters without marks.
            candidates = self.by_letters.get(letters(unit.name), [])
            if not candidates:
                wanted = letters(unit.name)
                limit = 2 if len(wanted) >= 10 else 1
                candidates = [
                    e for key, found in self.by_letters.items() if _distance(key, wanted) <= limit for e in found
                ]
            note = "spelled {!r} in the list of units".format(candidates[0]["name"]) if len(candidates) == 1 else ""
        if unit.qualifier and len(candidates) > 1:
            wanted = [letters(part) for part in unit.qualifier.split(";")]
            candidates = [
                c
                for c in candidates
                if all(w in (letters(c["district"]["name"]), letters(c["province"]["name"])) for w in wanted)
            ]
        if len(candidates) == 1:
            return candidates[0], note, candidates
        if not candidates:
            return None, "not found among the units before the reform", []
        why = "ambiguous: " + ", ".join("{} {}".format(c["code"], c["district"]["name"]) for c in candidates)
        return None, why, candidates


def letters(name: str) -> str:
    """A name reduced to its letters: no tone or vowel marks, đ → d, y → i, no spaces ("NT" for "Nông trường")."""
    name = re.sub(r"(?i)\bnông trường\b", "NT", name)
    decomposed = unicodedata.normalize("NFD", name.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).replace("y", "i")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, stopping early past 2."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > 2:
            return 3
        previous = current
    return previous[-1]


def _bare(full_name: str) -> str:
    for prefix, _t in COMMUNE_TYPES:
        if full_name.startswith(prefix):
            return full_name[len(prefix) :]
    return full_name


def _predecessor(found: dict, share: str) -> dict:
    return {
        "level": found["level"],
        "code": found["code"],
        "name": found["name"],
        "unit_type": found["unit_type"],
        "province_code": found["province"]["code"],
        "share": share,
    }


# --- the whole build ---------------------------------------------------------------------------------------------------


def build(source: Source, *, current_provinces: list[dict], package_units: list[dict]) -> tuple[dict, dict]:
    """(units before the reform, successions of the reform) as the two data files hold them.

    `current_provinces`: the 34 provinces with `formed_from` (communes/data/province_regions.json);
    `package_units`: the vietnam-provinces list as (province_code, code, name) dicts, to list its differing codes.
    """
    old = old_units(source)
    new = new_units(source, current_provinces)
    new_by_name = {(u["province_code"], name_key(u["name"])): u for u in new}
    province_by_key = {_province_key(p["name"]): p for p in current_provinces}
    documents = [n for n in source.names("input/docs") if n.endswith("_NQ-UBTVQH15.md")]
    texts = source.read_many(documents)
    entries, resolutions_meta, problems = [], [], []
    for document in documents:
        resolution = res.parse_resolution(texts[document])
        province = province_by_key.get(_province_key(resolution.province))
        if province is None:
            raise SourceError("{}: unknown province {!r}".format(document, resolution.province))
        index = OldIndex(old, province["formed_from"])
        resolutions_meta.append(
            {
                "number": resolution.number,
                "date": resolution.date.isoformat() if resolution.date else "",
                "province_code": province["code"],
                "province": province["name"],
                "clauses": len(resolution.clauses) + (1 if resolution.unchanged else 0),
            }
        )
        clauses = [(c, c.target, c.sources, c.kind) for c in resolution.clauses]
        clauses += [(None, u, [u], res.KIND_UNCHANGED) for u in resolution.unchanged]
        for clause, target, sources, kind in clauses:
            number = clause.number if clause else resolution.unchanged_clause
            text = clause.text if clause else ""
            new_unit = new_by_name.get((province["code"], name_key(target.full_name))) if target else None
            entry = {
                "resolution": resolution.number,
                "clause": "khoản {} Điều 1".format(number),
                "province_code": province["code"],
                "code": new_unit["code"] if new_unit else "",
                "name": new_unit["name"] if new_unit else (target.full_name if target else ""),
                "unit_type": new_unit["unit_type"] if new_unit else (target.unit_type if target else ""),
                "kind": kind,
                "predecessors": [],
            }
            if text:
                entry["text"] = text
            issues = list(clause.problems) if clause else []
            if new_unit is None:
                issues.append("new unit not in 1027/CTK-CSCL")
            looked_up = [(unit, *index.find(unit)) for unit in sources]
            # A name found in several districts is the one in the district of the clause's other units (or of a
            # district the clause names in brackets): the clauses group the units of one area.
            districts = {id(f["district"]) for _u, f, _w, _c in looked_up if f is not None}
            named = {name_key(u.qualifier) for u in sources if u.qualifier}
            for unit, found, why, candidates in looked_up:
                if found is None and len(candidates) > 1:
                    near = [
                        c
                        for c in candidates
                        if id(c["district"]) in districts or name_key(c["district"]["name"]) in named
                    ]
                    if len(near) == 1:
                        found, why = (
                            near[0],
                            "of {}, the district of the clause's other units".format(near[0]["district"]["name"]),
                        )
                if found is None:
                    qualifier = " ({})".format(unit.qualifier) if unit.qualifier else ""
                    issues.append("{} {}{}: {}".format(unit.unit_type, unit.name, qualifier, why))
                    continue
                if why:
                    entry.setdefault("notes", []).append("{}: {}".format(found["name"], why))
                entry["predecessors"].append(_predecessor(found, unit.share))
            if issues:
                entry["unresolved"] = issues
                problems.append(entry)
            entries.append(entry)
    entries.sort(key=lambda e: (e["province_code"], e["code"] or "~", e["name"]))
    mapping = {
        "format": "ntm-successions/1",
        "title": "Successions of the July 2025 reform of commune-level units (34 resolutions of 16/06/2025)",
        "source": (
            "Parsed from the texts of resolutions 1654–1687/NQ-UBTVQH15 as converted to Markdown by {} "
            "(input/docs/); new codes from Official letter 1027/CTK-CSCL of 25/06/2025 (same repository); units "
            "before the reform from its output/ folder. {}. Generated by `manage.py build_national_successions`; "
            "do not edit by hand."
        ).format(REPOSITORY_URL, LICENCE),
        "licence": LICENCE,
        "url": REPOSITORY_URL,
        "effective_date": REFORM_DATE.isoformat(),
        "note": (
            "Each resolution is in force from its adoption (16/06/2025); the new units work from 01/07/2025 "
            "(Article 2), the date the successions take effect. share: whole = 'toàn bộ diện tích tự nhiên, quy mô "
            "dân số', part = 'một phần …' or 'phần còn lại …'. kind: new = 'thành xã mới', renamed = 'Đổi tên', "
            "unchanged = 'không thực hiện sắp xếp'."
        ),
        "resolutions": sorted(resolutions_meta, key=lambda r: r["number"]),
        "provinces": [
            {
                "code": p["code"],
                "name": p["name"],
                "formed_from": p["formed_from"],
                "resolution": PROVINCE_RESOLUTION["number"],
                "resolution_date": PROVINCE_RESOLUTION["date"],
            }
            for p in current_provinces
        ],
        "units": entries,
    }
    mapping["comparison"] = compare(entries, json.loads(source.read("mapping/merges.json"))["data"])
    mapping["package_code_corrections"] = package_corrections(new, package_units)
    mapping["counts"] = {
        "resolutions": len(resolutions_meta),
        "new_units": len(entries),
        "with_code": sum(1 for e in entries if e["code"]),
        "predecessor_links": sum(len(e["predecessors"]) for e in entries),
        "with_unresolved_names": len(problems),
        "new_units_in_1027": len(new),
    }
    return old, mapping


def compare(entries: list[dict], merges: list[dict]) -> dict:
    """Agreement with dvhcvn's mapping/merges.json: a new unit agrees when both name the same predecessors with the
    same share (full = whole, partial = part)."""
    theirs = {}
    for province in merges:
        for unit in province["level2s"]:
            theirs[unit["level2_id"]] = sorted(
                (m["old_id"], "whole" if m["type"] == "full" else "part") for m in unit["merges"]
            )
    agree, differ = 0, []
    ours_codes = set()
    for entry in entries:
        if not entry["code"]:
            continue
        ours_codes.add(entry["code"])
        ours = sorted((p["code"], p["share"]) for p in entry["predecessors"] if p["level"] == "commune")
        if entry["kind"] == res.KIND_UNCHANGED or not ours:
            ours = ours or sorted((p["code"], p["share"]) for p in entry["predecessors"])
        other = theirs.get(entry["code"])
        if other == ours:
            agree += 1
            continue
        differ.append(
            {
                "code": entry["code"],
                "name": entry["name"],
                "clause": "{}, {}".format(entry["clause"], entry["resolution"]),
                "ours": [list(x) for x in ours],
                "dvhcvn": [list(x) for x in (other or [])],
            }
        )
    missing = sorted(set(theirs) - ours_codes)
    return {
        "reference": REPOSITORY_URL + "/blob/main/mapping/merges.json",
        "compared": agree + len(differ),
        "agree": agree,
        "differ": len(differ),
        "differences": differ,
        "only_in_dvhcvn": missing,
    }


def package_corrections(new: list[dict], package_units: list[dict]) -> list[dict]:
    """Units whose code in the vietnam-provinces package differs from 1027/CTK-CSCL (same province, same name)."""
    official = {(u["province_code"], name_key(u["name"])): u["code"] for u in new}
    corrections = []
    for unit in package_units:
        code = official.get((unit["province_code"], name_key(unit["name"])))
        if code and code != unit["code"]:
            corrections.append(
                {
                    "province_code": unit["province_code"],
                    "name": unit["name"],
                    "package_code": unit["code"],
                    "official_code": code,
                }
            )
    return sorted(corrections, key=lambda c: (c["province_code"], c["package_code"]))


def build_for_project(source: Source) -> tuple[dict, dict]:
    """`build` with this project's 34 provinces (communes/data/province_regions.json) and the installed
    vietnam-provinces list."""
    from .services import snapshots

    provinces = json.loads(snapshots.PROVINCE_REGIONS_FILE.read_text(encoding="utf-8"))["from_2025_07_01"]
    package = [
        {"province_code": c.province_code, "code": c.code, "name": c.name}
        for c in snapshots.snapshot_from_package().communes
    ]
    return build(source, current_provinces=provinces, package_units=package)

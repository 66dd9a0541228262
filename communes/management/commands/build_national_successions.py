"""Regenerate the national data files of the July 2025 reform from a copy of the dvhcvn/20250701 repository."""

import gzip
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes import national
from communes.services import snapshots, successions


class Command(BaseCommand):
    help = (
        "Parse the 34 resolutions of June 2025 (1654–1687/NQ-UBTVQH15) from a copy of "
        "https://github.com/dvhcvn/20250701 (a checkout, or a bare git directory) and write "
        "communes/data/vietnam_2025_06_30.json.gz (the units before the reform) and "
        "communes/data/successions/vietnam_2025_07_01.json.gz (the successions, compared with the repository's "
        "mapping/merges.json). Prints the counts and the agreement."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, metavar="PATH", help="The dvhcvn/20250701 repository.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and compare; write nothing.")

    def handle(self, *args, source, dry_run, **options):
        try:
            repository = national.Source(source)
            provinces = json.loads(snapshots.PROVINCE_REGIONS_FILE.read_text(encoding="utf-8"))["from_2025_07_01"]
            package = snapshots.snapshot_from_package()
            package_units = [
                {"province_code": c.province_code, "code": c.code, "name": c.name} for c in package.communes
            ]
            old, mapping = national.build(repository, current_provinces=provinces, package_units=package_units)
        except (national.SourceError, snapshots.AdminUnitDataError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        counts, comparison = mapping["counts"], mapping["comparison"]
        self.stdout.write(
            "Resolutions: {resolutions}; new units: {new_units} ({with_code} with their 1027/CTK-CSCL code); "
            "predecessor links: {predecessor_links}; clauses with a name not matched: {with_unresolved_names}.".format(
                **counts
            )
        )
        self.stdout.write(
            "Agreement with dvhcvn mapping/merges.json: {agree} of {compared} new units name the same predecessors "
            "with the same share; {differ} differ (listed in the file).".format(**comparison)
        )
        self.stdout.write(
            "vietnam-provinces codes differing from 1027/CTK-CSCL: {}.".format(len(mapping["package_code_corrections"]))
        )
        if dry_run:
            return
        _write(snapshots.PRE_REFORM_FILE, old)
        _write(successions.SHIPPED_FILES[1], mapping)
        self.stdout.write("Written: {} and {}.".format(snapshots.PRE_REFORM_FILE, successions.SHIPPED_FILES[1]))


def _write(path: Path, data: dict) -> None:
    """Compressed, reproducible (no timestamp in the gzip header), one key per line for readable diffs."""
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))

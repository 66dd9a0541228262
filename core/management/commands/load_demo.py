"""Load the Thái Nguyên demo: the end of 2023, then the 2024 and 2025 reorganisations up to today. Each app contributes `<app>/demo.py` with `load(stdout)`; running the
command again finds what is there and creates nothing twice."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Order matters: units, then offices and users, then the data that names them. Listed one by one (by name: core
# imports no app): a missing demo module is an error, never a step silently left out.
DEMO_LOADERS = [
    "communes.demo.load",
    "offices.demo.load",
    "criteria.demo.load",
    "programs.demo.load",
    "funding.demo.load",
    "verification.demo.load",
    "monitoring.demo.load",
    # The demo reaches today: the 2024 and 2025 reorganisations, the recognitions the merger rule carries across
    # them (proposed, then confirmed), and 2026 scorecards of the merged communes.
    "communes.demo.load_reform",
    "offices.demo.load_today",
    "register.demo.load_mergers",
    "criteria.demo.load_2026",
    "register.demo.load",  # last: stored standings from everything above
]
# Printed once everything is loaded.
LOGINS = "offices.demo.print_logins"


class Command(BaseCommand):
    help = "Load the Thái Nguyên demo (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        for loader in DEMO_LOADERS:
            load = import_string(loader)
            with transaction.atomic():
                load(stdout=self.stdout)
        import_string(LOGINS)(self.stdout)

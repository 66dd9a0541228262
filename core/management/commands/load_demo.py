"""Load the Thái Nguyên end-of-2023 demo. Each app contributes `<app>/demo.py` with `load(stdout)`; running the
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

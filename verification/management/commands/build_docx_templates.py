from django.core.management.base import BaseCommand

from verification.docx.build import build_all


class Command(BaseCommand):
    help = "Rebuild the Word templates of the drafted dossier documents (verification/docx/*.docx)."

    def handle(self, *args, **options):
        for path in build_all():
            self.stdout.write(str(path))

from django.core.management.base import BaseCommand

from monitoring.services import finding_reminders_send


class Command(BaseCommand):
    help = (
        "Remind the offices named in open Front findings whose answer is due within NTM_FINDING_REMINDER_DAYS "
        "(once per finding). Run daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Findings reminded: {finding_reminders_send()}")

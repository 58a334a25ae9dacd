from django.core.management.base import BaseCommand

from companies.models import Company
from opportunities.listings import demo
from opportunities.matching import engine


class Command(BaseCommand):
    help = (
        "Load the demo set (seeded, repeatable): about 300 demo companies across Mexican states "
        "and Peruvian regions, buyer requests and demo members; run the matching; print the "
        "demo members' log-in details. Everything demo is labelled and replaced on re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        created = demo.load(companies=options["companies"], seed=options["seed"])
        self.stdout.write(f"demo: {created['companies']} companies, {created['products']} products")
        written = engine.rematch(list(Company.objects.values_list("pk", flat=True)), kind="full")
        self.stdout.write(f"matching: {written} matches written")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo members (password {demo.DEMO_PASSWORD}), log in at /accounts/login/:"
            )
        )
        for email, company in created["members"]:
            self.stdout.write(f"  {email}  ({company})")

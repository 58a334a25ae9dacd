"""What a request may reach: only the companies its user belongs to."""

from functools import cached_property

from rest_framework import permissions

from companies import selectors
from companies.models import Company


class CompanyScopedMixin:
    """For views under /my/companies/{company_pk}/: the company, if the user is a member of it.

    Another company answers 404 (never 403), so the API does not even confirm that it exists.
    """

    permission_classes = [permissions.IsAuthenticated]

    @cached_property
    def company(self) -> Company | None:
        if getattr(self, "swagger_fake_view", False):  # the schema generator's dry run
            return None
        return selectors.member_company(self.request.user, int(self.kwargs["company_pk"]))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.company  # noqa: B018 -- resolve (or 404) before the action runs

from companies.models import Company

SESSION_KEY = "current_company_id"


def my_companies(request) -> list[Company]:
    """The signed-in user's companies, read once per request: the views' current company and
    the menu's list share one query."""
    companies = getattr(request, "_my_companies", None)
    if companies is None:
        companies = list(Company.objects.of_user(request.user))
        request._my_companies = companies
    return companies


def chosen_company(request) -> Company | None:
    """The company the user works as: the one chosen in the session, else the first."""
    companies = my_companies(request)
    chosen = request.session.get(SESSION_KEY)
    return next((c for c in companies if c.pk == chosen), companies[0] if companies else None)


def current_company(request) -> dict:
    """Expose the signed-in user's companies and the one they are working as."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_companies": my_companies(request), "current_company": chosen_company(request)}

from companies.models import Company

SESSION_KEY = "current_company_id"


def current_company(request) -> dict:
    """Expose the signed-in user's companies and the one they are working as."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    companies = list(Company.objects.of_user(user).only("pk", "legal_name", "trade_name"))
    chosen = request.session.get(SESSION_KEY)
    current = next((c for c in companies if c.pk == chosen), companies[0] if companies else None)
    return {"my_companies": companies, "current_company": current}

from django.shortcuts import get_object_or_404, render

from companies.models import Company


def company_detail(request, pk: int):
    """Show a verified company's public page."""
    company = get_object_or_404(
        Company.objects.in_directory().select_related("region").prefetch_related("sectors"), pk=pk
    )
    return render(request, "companies/detail.html", {"company": company})

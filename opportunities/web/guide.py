"""The exporter's guide: a page of its own and one page per HS chapter."""

from django.shortcuts import get_object_or_404, redirect, render

from opportunities.models import HSCode
from opportunities.reference.guide import selectors
from tradeportal.pagecache import GUIDE, SECTORS, cache_public_page


@cache_public_page(GUIDE, SECTORS, params=("chapter",))
def guide_index(request):
    """Every fact of the guide, with a chapter picker; ?chapter=08 goes to that chapter."""
    chapter = request.GET.get("chapter", "")
    if HSCode.objects.filter(level=2, code=chapter).exists():
        return redirect("opportunities:guide_chapter", chapter=chapter)
    context = {"guide": selectors.guide(), "chapters": selectors.chapters()}
    return render(request, "opportunities/guide.html", context)


@cache_public_page(GUIDE, SECTORS)
def guide_chapter(request, chapter: str):
    """What applies to shipping one HS chapter between Mexico and Peru, with its agencies."""
    code = get_object_or_404(HSCode, level=2, code=chapter)
    context = {"guide": selectors.guide(code), "chapters": selectors.chapters()}
    return render(request, "opportunities/guide.html", context)

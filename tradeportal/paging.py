"""Pages of a list whose total is read in the query that reads the page.

A page of search results costs PostgreSQL one pass over the matches: to rank them it reads every
one, so `COUNT(*) OVER ()` beside the page's rows costs nothing more, where Django's paginator
sends a second query that finds all the matches again to count them (on the browse page, about a
third of the database's work and one more query compiled). Without search words the sort can walk
an index and stop after one page, and a window would read the whole table: those lists keep
Django's separate count.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Window

TOTAL = "page_total"  # the annotation that carries the total on each row
# Past this page number the offset is left to Django's paginator, which counts first and answers
# with the last page (an OFFSET past bigint's range is an error in PostgreSQL).
LAST_WINDOWED_PAGE = 1_000_000


class WindowCountPaginator(Paginator):
    """Django's paginator, whose `get_page` reads the page's rows and the total in one query.

    A page number that reads no rows (past the end, or an empty list) is handed to Django's
    paginator, which counts and answers as it always does: the last page, or an empty first one.
    """

    def get_page(self, number):
        try:
            wanted = max(int(number), 1)
        except (TypeError, ValueError):
            wanted = 1  # as Django's: a page that is not a number is the first
        if self.orphans or "count" in self.__dict__ or wanted > LAST_WINDOWED_PAGE:
            return super().get_page(number)
        bottom = (wanted - 1) * self.per_page
        counted = self.object_list.annotate(**{TOTAL: Window(Count("*"))})
        rows = list(counted[bottom : bottom + self.per_page])
        if not rows:
            return super().get_page(number)
        self.__dict__["count"] = getattr(rows[0], TOTAL)  # the count cached_property's value
        return self._get_page(rows, wanted, self)

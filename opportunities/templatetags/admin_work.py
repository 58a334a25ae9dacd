from django import template

from opportunities.admin.work import WorkItem
from opportunities.admin.work import work_waiting as waiting

register = template.Library()


@register.simple_tag
def work_waiting() -> list[WorkItem]:
    """The admin start page's list of work waiting."""
    return waiting()

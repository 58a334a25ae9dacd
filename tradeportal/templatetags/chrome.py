"""{% include_once "name.html" %}: an include rendered once per page and repeated where asked again.

The header shows its links, the language switcher and the account menu twice (in a row on wide
screens, behind the "Menu" disclosure on narrow ones): rendered once, they cost half as much.
The template sees the context of its first place, so it must not depend on where it stands.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def include_once(context, name: str):
    key = (__name__, name)
    rendered = context.render_context
    if key not in rendered:
        with context.push():
            rendered[key] = context.template.engine.get_template(name).render(context)
    return rendered[key]

"""``{% pending_reviews as queues %}``: the review queues the admin user may see, with their pending counts."""

from django import template
from django.urls import reverse

from declarations.review_selectors import pending_review_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_reviews(context) -> list[dict]:
    request = context.get("request")
    if request is None:
        return []
    rows = []
    for row in pending_review_counts(user=request.user):
        opts = row["model"]._meta
        rows.append(
            {
                "name": opts.verbose_name_plural,
                "count": row["count"],
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            }
        )
    return rows

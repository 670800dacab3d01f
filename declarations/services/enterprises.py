"""Enterprise profiles (企业信息) and the product catalogue (商品库): the only code that writes them."""

from django.db import transaction

from declarations.models import CatalogueItem, Enterprise, Membership
from declarations.services.common import assign_validated


def enterprise_create(*, creator, **fields) -> Enterprise:
    """Create an enterprise; its creator becomes its administrator in the same transaction."""
    with transaction.atomic():
        enterprise = Enterprise()
        assign_validated(enterprise, fields)
        Membership.objects.create(user=creator, enterprise=enterprise, role=Membership.Role.ADMIN)
    return enterprise


def enterprise_update(*, enterprise: Enterprise, **fields) -> Enterprise:
    with transaction.atomic():
        assign_validated(enterprise, fields)
    return enterprise


def catalogue_item_save(*, item: CatalogueItem | None = None, **fields) -> CatalogueItem:
    """Create (item=None) or update a catalogue item."""
    item = item or CatalogueItem()
    with transaction.atomic():
        assign_validated(item, fields)
    return item


def catalogue_item_delete(*, item: CatalogueItem) -> None:
    item.delete()

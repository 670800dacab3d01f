"""Enterprise profiles (企业信息) and the product catalogue (商品库): the only code that writes them."""

from django.db import transaction

from declarations.models import CatalogueItem, Enterprise, Membership


def _assign(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    # The model's validators (USCC check character, customs code, uniqueness) guard every caller, not just forms.
    obj.full_clean()
    obj.save()


def enterprise_create(*, creator, **fields) -> Enterprise:
    """Create an enterprise; its creator becomes its administrator in the same transaction."""
    with transaction.atomic():
        enterprise = Enterprise()
        _assign(enterprise, fields)
        Membership.objects.create(user=creator, enterprise=enterprise, role=Membership.Role.ADMIN)
    return enterprise


def enterprise_update(*, enterprise: Enterprise, **fields) -> Enterprise:
    with transaction.atomic():
        _assign(enterprise, fields)
    return enterprise


def catalogue_item_save(*, item: CatalogueItem | None = None, **fields) -> CatalogueItem:
    """Create (item=None) or update a catalogue item."""
    item = item or CatalogueItem()
    with transaction.atomic():
        _assign(item, fields)
    return item


def catalogue_item_delete(*, item: CatalogueItem) -> None:
    item.delete()

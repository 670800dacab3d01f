"""The enterprise's product catalogue (商品库) used to fill goods lines."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from declarations.forms import CatalogueItemForm
from declarations.models import CatalogueItem
from declarations.search import search_query
from declarations.selectors import enterprise_ids_for_user, get_object_for_user
from declarations.services.enterprises import catalogue_item_delete, catalogue_item_save
from declarations.views.common import member_enterprises, require_member


def catalogue_for_user(*, user):
    return CatalogueItem.objects.filter(enterprise_id__in=enterprise_ids_for_user(user=user)).select_related(
        "enterprise"
    )


@login_required
def catalogue_list(request):
    items = catalogue_for_user(user=request.user)
    query = search_query(request.GET.get("q")).text  # bounded (declarations.search)
    if query:
        items = items.filter(item_no__icontains=query) | items.filter(item_name__icontains=query)
    return render(request, "declarations/catalogue_list.html", {"items": items[:500], "q": query})


@login_required
def catalogue_create(request):
    form = CatalogueItemForm(request.POST or None, enterprises=member_enterprises(user=request.user))
    if request.method == "POST" and form.is_valid():
        catalogue_item_save(**form.cleaned_data)
        messages.success(request, _("Catalogue item saved."))
        return redirect("catalogue_list")
    return render(request, "declarations/catalogue_form.html", {"form": form})


@login_required
def catalogue_edit(request, pk: int):
    item = get_object_for_user(catalogue_for_user(user=request.user), pk=pk)
    if request.method == "POST":
        require_member(user=request.user, enterprise=item.enterprise)
    form = CatalogueItemForm(
        request.POST or None, instance=item, enterprises=member_enterprises(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        catalogue_item_save(item=item, **form.cleaned_data)
        messages.success(request, _("Catalogue item saved."))
        return redirect("catalogue_list")
    return render(request, "declarations/catalogue_form.html", {"form": form, "item": item})


@require_POST
@login_required
def catalogue_delete(request, pk: int):
    item = get_object_for_user(catalogue_for_user(user=request.user), pk=pk)
    require_member(user=request.user, enterprise=item.enterprise)
    catalogue_item_delete(item=item)
    messages.success(request, _("Catalogue item deleted."))
    return redirect("catalogue_list")

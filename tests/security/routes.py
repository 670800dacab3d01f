"""Every URL pattern of the project, found by walking the resolver (i18n patterns, includes, the DRF router)."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "imports:job", "api-declaration-detail", ...; "" for an unnamed pattern
    pattern: str  # the joined pattern text, for messages
    kwargs: tuple[str, ...]  # names of the URL's keyword arguments, in order
    api: bool
    admin: bool

    @property
    def has_format(self) -> bool:
        return "format" in self.kwargs

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(k for k in self.kwargs if k != "format")


def _kwarg_names(entry) -> list[str]:
    return list(entry.pattern.regex.groupindex)


def _walk(patterns, *, prefix: str, namespace: str, kwargs: tuple[str, ...]):
    for entry in patterns:
        text = prefix + str(entry.pattern)
        names = kwargs + tuple(_kwarg_names(entry))
        if isinstance(entry, URLResolver):
            child_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix=text, namespace=child_namespace, kwargs=names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(
                name=name,
                pattern=text,
                kwargs=names,
                api=text.startswith("api/"),
                admin=text.startswith("admin/") or namespace.startswith("admin:"),
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, prefix="", namespace="", kwargs=()))

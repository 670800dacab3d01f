"""Language of API responses: the client's Accept-Language (or language cookie), zh-hans by default.

The portal's URLs carry the language as a prefix (/en/...); with prefix_default_language=False, Django's
LocaleMiddleware treats every unprefixed path as zh-hans. API clients cannot use a prefix, so under /api/ the
request headers decide instead.
"""

from django.utils import translation

API_PREFIX = "/api/"


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)

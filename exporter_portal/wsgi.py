import gc
import os

from django.core.wsgi import get_wsgi_application


def build_application():
    """Django's WSGI application, with everything loaded so far moved out of the garbage collector's sight.

    The loaded project (modules, URLconf, templates, code tables) is hundreds of thousands of objects that live
    as long as the process; a full collection walked all of them in the middle of some request, a latency spike
    of tens of milliseconds. ``gc.freeze`` leaves them out of every collection (reference counting still frees
    what becomes garbage).
    """
    application = get_wsgi_application()
    gc.collect()
    gc.freeze()
    return application


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings")
application = build_application()

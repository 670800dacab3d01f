"""The classification assistant (归类助手): ranked declarable codes for a product description.

``text`` splits descriptions into terms, ``index`` finds names by terms, ``rank`` merges the sources into
ranked suggestions. All three are pure; the reads (tenancy, caches) are in ``declarations.selectors_classify``.
"""

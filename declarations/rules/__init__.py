"""Rules engine: pure checks over a declaration head and its lines, returning findings.

Entry points: ``engine.check_declaration`` / ``engine.evaluate``, ``channel.recommend_channel`` and
``declarations.selectors_rule_context.rule_context_load``; the rule codes are in ``catalogue.CATALOGUE`` (documented in docs/rules.md).
"""

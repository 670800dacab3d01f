"""Rendered messages' content compressed with lz4 on PostgreSQL (its default, pglz, is several times slower).

A bulk submission stores 30,000 messages of 1–8 KB of XML: compressing them with pglz took the PostgreSQL server
0.8 CPU-seconds more than lz4 (docs/benchmarks.md, ninth round). Rows already stored keep their compression
until rewritten. A server built without lz4 keeps pglz: the change is an optimisation, never a failed migration.
Other databases are left alone.
"""

from django.db import migrations

_SET = """
DO $$
BEGIN
    EXECUTE 'ALTER TABLE declarations_renderedmessage ALTER COLUMN content SET COMPRESSION {method}';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
    RAISE NOTICE 'content compression left unchanged: %', SQLERRM;
END
$$;
"""


def _set_compression(method: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_SET.format(method=method), params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("declarations", "0006_redundant_indexes")]

    operations = [
        migrations.RunPython(_set_compression("lz4"), _set_compression("pglz"), elidable=False),
    ]

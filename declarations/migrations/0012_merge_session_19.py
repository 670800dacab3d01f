# One merge of this session's branches (returns, delegations, declaration documents, change and withdrawal).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0011_delegations_managed"),
        ("declarations", "0011_documents_declaration_documents"),
        ("declarations", "0011_lifecycle_app_type_withdrawal"),
        ("declarations", "0011_returns_returns"),
    ]

    operations = []

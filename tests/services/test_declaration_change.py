"""A returned declaration declared again as a change: appType 2, same copNo, new guids, version + 1; every
version's messages stay stored; and each message validates against our and the official 202205 XSD."""

import pytest
from lxml import etree

from declarations.choices import DeclarationStatus
from declarations.messages.schema import OfficialSchemaUnavailable, validate_official, validate_ours
from declarations.models import Declaration, RenderedMessage, StatusEvent
from declarations.services.amendments import AmendmentRefused, declaration_declare_change
from declarations.services.submission import declaration_render
from tests import factories as f
from tests.amendments import RETURN_INFO, returned_declaration

pytestmark = pytest.mark.django_db
NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}


@pytest.fixture
def returned(settings, tmp_path):
    return returned_declaration(settings=settings, outbox=tmp_path / "outbox")


def _head(message: RenderedMessage):
    root = etree.fromstring(bytes(message.content))
    return {
        "appType": root.findtext(".//ceb:appType", namespaces=NS),
        "copNo": root.findtext(".//ceb:copNo", namespaces=NS),
        "guid": root.get("guid"),
    }


def test_customs_returned_the_list(returned):
    assert (returned.status, returned.last_return_status, returned.last_return_info) == (
        DeclarationStatus.REJECTED,
        "100",
        RETURN_INFO,
    )


def test_change_renders_every_message_as_appType_2_with_new_guids_in_version_2(returned):
    before = {m.pk: (m.guid, bytes(m.content)) for m in RenderedMessage.objects.filter(declaration=returned)}

    declaration_declare_change(declaration=returned)
    stored = declaration_render(declaration_id=returned.pk, version=2)

    declaration = Declaration.objects.get(pk=returned.pk)
    assert (declaration.status, declaration.version, declaration.app_type) == (DeclarationStatus.SENT, 2, "2")
    assert sorted(m.message_type for m in stored) == ["CEB303", "CEB505", "CEB603"]
    heads = {m.message_type: _head(m) for m in stored}
    assert {h["appType"] for h in heads.values()} == {"2"}
    assert heads["CEB603"]["copNo"] == returned.cop_no
    old_guids = {guid for guid, _content in before.values()}
    assert not old_guids & {h["guid"] for h in heads.values()}
    # version 1 is untouched: the same rows with the same bytes
    after = {m.pk: (m.guid, bytes(m.content)) for m in RenderedMessage.objects.filter(version=1)}
    assert after == before
    assert RenderedMessage.objects.filter(declaration=returned).count() == 6


def test_every_change_message_validates_against_both_schemas(returned):
    declaration_declare_change(declaration=returned)
    stored = declaration_render(declaration_id=returned.pk, version=2)
    for message in stored:
        assert validate_ours(bytes(message.content)) == []
        try:
            assert validate_official(bytes(message.content)) == [], message.message_type
        except OfficialSchemaUnavailable:
            pytest.skip("official XSD not available")


def test_a_declaration_not_returned_is_refused_and_nothing_changes(settings, tmp_path):
    declaration = f.DeclarationFactory(status=DeclarationStatus.ACCEPTED, version=1, last_return_status="120")
    with pytest.raises(AmendmentRefused) as refused:
        declaration_declare_change(declaration=declaration)
    assert refused.value.code == "AMEND_IN_PROGRESS"
    stored = Declaration.objects.get(pk=declaration.pk)
    assert (stored.status, stored.version, stored.app_type) == (DeclarationStatus.ACCEPTED, 1, "1")
    assert not StatusEvent.objects.filter(declaration=declaration).exists()


def test_a_change_with_blocking_findings_is_refused_and_nothing_changes(returned):
    Declaration.objects.filter(pk=returned.pk).update(order_no="")
    with pytest.raises(AmendmentRefused.__mro__[1]) as blocked:  # SubmissionBlocked with the findings
        declaration_declare_change(declaration=returned)
    assert "REQUIRED" in {finding.code for finding in blocked.value.findings}
    stored = Declaration.objects.get(pk=returned.pk)
    assert (stored.status, stored.version, stored.app_type) == (DeclarationStatus.REJECTED, 1, "1")


def test_a_plain_submit_of_a_returned_declaration_is_a_change_too(returned):
    from declarations.services.submission import declaration_submit

    declaration_submit(declaration=returned)
    assert Declaration.objects.get(pk=returned.pk).app_type == "2"

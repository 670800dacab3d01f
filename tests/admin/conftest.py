import pytest

from declarations.services.staff import reviewer_group_ensure
from tests import factories as f


@pytest.fixture
def superuser(db):
    return f.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def reviewer(db):
    user = f.UserFactory(is_staff=True)
    user.groups.add(reviewer_group_ensure())
    return user


@pytest.fixture
def admin_client_su(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client

from __future__ import annotations

from typing import Any

import pytest

from privdesk.ui.style import apply_style


@pytest.fixture(autouse=True)
def _styled(qapp: Any) -> None:
    """Screenshots show the app as officers see it, with its style sheet."""
    qapp.setOrganizationName("privdesk-tests")
    apply_style(qapp)

"""The key acceptance test: the short form filled with the seed meeting reads, line
for line, exactly like the real protocol of 22.10.2021 (seed/protocol-2021-10-22.txt)."""

from __future__ import annotations

import re

import pytest

from cluster_intranet.documents.pdf import convert_to_text
from cluster_intranet.documents.rendering import render_document

from .support import read_template, requires_soffice, seed_context_copy


def normalized_lines(text: str) -> list[str]:
    """Runs of white space collapsed, blank lines dropped."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def seed_lines(seed_text) -> list[str]:
    return normalized_lines(seed_text)


@requires_soffice
def test_short_protocol_reads_like_the_seed_protocol(seed_lines):
    document = render_document(read_template("protocol_short.docx"), seed_context_copy())

    rendered = normalized_lines(convert_to_text(document))

    for number, (expected, actual) in enumerate(zip(seed_lines, rendered), start=1):
        assert actual == expected, f"line {number} differs"
    assert len(rendered) == len(seed_lines), (
        f"{len(rendered)} lines rendered, {len(seed_lines)} in the seed; "
        f"extra or missing: {rendered[len(seed_lines) :] or seed_lines[len(rendered) :]}"
    )

"""How the decisions of a protocol are numbered: written once, used by the page, the
documents, the extract, the execution report, the control pages, the calendar and the
e-mails (through ``Decision.label``, kept by meetings.services.renumber).

A council whose protocols take the short form numbers its decisions 1, 2, 3 in the
order of the protocol. The full form (ГОСТ Р 7.0.97-2016) numbers them within their
agenda item: 1.1, 1.2, 2.1 …; decisions tied to no item come after the items, as one
more item would (3.1, 3.2 after two items); with no agenda at all, 1, 2, 3.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def numbered_by_item(council_form: str, item_count: int) -> bool:
    return council_form == "full" and item_count > 0


def decision_labels(council_form: str, item_numbers: Sequence[int | None], item_count: int) -> list[str]:
    """The labels of a meeting's decisions, given in protocol order by the number of the
    agenda item each answers (None: none): «1.2», or «3»."""
    if not numbered_by_item(council_form, item_count):
        return [str(n) for n in range(1, len(item_numbers) + 1)]
    within: Counter = Counter()
    labels = []
    for item in item_numbers:
        key = item if item is not None else item_count + 1
        within[key] += 1
        labels.append(f"{key}.{within[key]}")
    return labels


def protocol_order_key(council_form: str, item_count: int, item_number: int | None, number: int) -> tuple:
    """Sorts decisions into protocol order: by item in the full form, else as numbered."""
    if not numbered_by_item(council_form, item_count):
        return (number,)
    return (item_number if item_number is not None else item_count + 1, number)

r"""Answer keys of the exercises on the page "What is learning?".

The burns of exercise what-is-learning-3 are counted by simulating the update it describes: after each
touch the child's estimate :math:`Q` of touching the fire moves a fraction :math:`\alpha` of the way
towards the outcome :math:`r`,

.. math::

   Q \leftarrow Q + \alpha\,(r - Q),

and the child touches the fire only while :math:`Q > 0`.
"""

from __future__ import annotations

import numbers
from typing import Any

from dlbook.exercises import Verdict, answer_key, expect_choice, expect_equal

#: The behaviours of exercise what-is-learning-1 that are learning by the page's criterion: the child
#: that stops touching the stove, and the spam filter retrained on its user's reports.
LEARNING = frozenset({"B", "C"})


@answer_key("what-is-learning-1")
def _is_it_learning(answer: Any) -> Verdict:
    return expect_choice(
        answer,
        LEARNING,
        "ABCDE",
        hint="learning needs the same situation to be met, later, with a different action, and the "
        "change must come from experience.",
    )


#: The fire of exercise what-is-learning-3: initial estimate (curious), outcome of a touch (a burn),
#: and the fraction of the way the estimate moves after each touch.
Q_START, BURN, ALPHA = 1.0, -1.0, 0.1


def burns_until_stop(q_start: float = Q_START, outcome: float = BURN, alpha: float = ALPHA) -> int:
    """Touches (each a burn) before the estimate ``Q`` falls to 0 or below and the child stops.

    Raises:
        ValueError: if ``alpha`` is not in (0, 1], or the outcome is not negative (the child would
            never stop).
    """
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1]; got {alpha}")
    if not outcome < 0:
        raise ValueError(f"outcome must be < 0 for the child ever to stop; got {outcome}")
    q, burns = q_start, 0
    while q > 0:
        q += alpha * (outcome - q)
        burns += 1
    return burns


@answer_key("what-is-learning-3")
def _burns(answer: Any) -> Verdict:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or answer != int(answer):
        return Verdict(False, "Answer with one whole number of burns.")
    return expect_equal(
        int(answer),
        burns_until_stop(),
        describe="number of burns",
        hint="apply the update once per burn, starting from Q = 1, and count until Q is no longer > 0.",
    )

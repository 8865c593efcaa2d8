"""The board: how long it waits for the partner program to pay back (C9, C3).

Partner net contribution follows a J-curve: cost first, revenue later. A board whose
patience is shorter than the curve's trough cuts a program that would have paid back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import units
from sim.agents import enrolled_mask

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


def board_review(model: PartnerProgramModel) -> None:
    """At each quarter end from `executive_patience` on, cut the program if the trailing
    four quarters (or fewer, early on) lost money (C9; calibration row C7: executives
    expect direct-sales ROI within six months)."""
    patience = model.policy.executive_patience
    if patience <= 0 or model.program_cut or model.quarter < patience:
        return
    window = model.net_history[-P.BOARD_WINDOW:]
    total = sum(window)
    if total < 0:
        cut_program(model, total)


def cut_program(model: PartnerProgramModel, trailing: float) -> None:
    """The board shuts the program: no team, no budget, no incentives, no recruiting.

    Partners keep their contracts but lose all support, so most drift away.
    """
    model.program_cut = True
    p = model.partners
    enrolled = enrolled_mask(p.stage)
    p.s_soc = np.where(enrolled, np.maximum(0.0, p.s_soc - P.CUT_SOC_HIT), p.s_soc)
    p.mindshare = np.where(enrolled, p.mindshare * P.CUT_MINDSHARE_KEEP, p.mindshare)
    model.log(
        "program_cut", (),
        f"The board cut the partner program after {model.quarter} quarters: "
        f"the last {min(P.BOARD_WINDOW, len(model.net_history))} quarters lost {units.money(-trailing)} "
        f"(patience: {model.policy.executive_patience} quarters)",
        amount=trailing,
    )

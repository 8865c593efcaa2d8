"""Recruiting partner firms from the addressable pool (C8, C10, C11).

Who you recruit decides what you can get: fit-screened mid-size specialists activate
sooner; global SIs take long to sign, give a small vendor little mindshare and act only
once the vendor has enterprise references; whoever-says-yes brings the wrong types.
The vendor's reputation among partners sets how many say yes (C1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import params as P
from sim import randomness as rnd
from sim.agents import CHURNED, ONBOARDING, PROSPECT, TYPE_LABELS
from sim.mechanisms.sales import generate_partner_pipeline

if TYPE_CHECKING:
    from sim.model import PartnerProgramModel


# what each of a prospect's recruiting uniforms in a quarter decides
U_SCREEN, U_ORDER, U_SIGN, U_CAPABILITY, U_LAUNCH = range(5)


def recruiting_uniforms(model: PartnerProgramModel, idx: np.ndarray) -> np.ndarray:
    """This quarter's recruiting uniforms for prospects `idx`, one row each, keyed by
    (quarter, partner): a prospect is screened, approached and signs on the same numbers
    whoever else is in the pool."""
    return rnd.uniforms(model.randomness.key("recruiting", model.quarter, np.asarray(idx)), 5)


def recruiting_order(model: PartnerProgramModel) -> np.ndarray:
    """Prospects in the order the recruiting focus approaches them."""
    p = model.partners
    ok = (p.stage == PROSPECT) & (p.regions & model.allowed_regions[None, :]).any(axis=1)
    idx = np.nonzero(ok)[0]
    if len(idx) == 0:
        return idx
    focus = model.effective.recruiting_focus
    u = recruiting_uniforms(model, idx)
    if focus == "fit_screened":
        observed = model.effective_fit()[idx] + P.FIT_SCREEN_NOISE * rnd.normal(u[:, U_SCREEN])
        mid = (np.where(p.ptype[idx] == P.GSI, P.SCREEN_GSI_PENALTY, 0.0)
               + P.SCREEN_SIZE_PREFERENCE * np.tanh(p.size[idx]))
        key = -(observed + mid)
    elif focus == "biggest_first":
        key = -p.size[idx]
    else:
        key = u[:, U_ORDER]
    # prospects already being courted come first: courting is a campaign, not a coin toss
    key = np.where(p.courting[idx] > 0, key - P.COURTING_FIRST, key)
    return idx[np.argsort(key, kind="stable")]


def sign_partner(model: PartnerProgramModel, i: int, week: int, u: float) -> None:
    """Partner `i` signs and starts onboarding; uniform `u` sets where in its type's range
    its starting capability lies."""
    p = model.partners
    p.stage[i] = ONBOARDING
    p.signed_week[i] = week
    p.capability[i] = P.TYPE_INITIAL_CAPABILITY[p.ptype[i]] * (
        P.INITIAL_CAPABILITY_BASE + P.INITIAL_CAPABILITY_SPREAD * u)
    justified = P.MINDSHARE_FLOOR + (1 - P.MINDSHARE_FLOOR) * model.effective_fit()[i]
    p.mindshare[i] = P.NEW_PARTNER_MINDSHARE * justified
    p.s_econ[i] = P.SATISFACTION_START
    p.s_soc[i] = P.NEW_PARTNER_SOC_BASE + P.NEW_PARTNER_SOC_REPUTATION * model.reputation
    p.quarters_enrolled[i] = 0
    p.quarters_since_deal[i] = 0
    p.content_delivered[i] = 0.0
    p.courting[i] = 0
    model.partners_recruited_q += 1
    agent = model.partner_agents[i]
    model.log(
        "partner_signed", (agent.unique_id,),
        f"{agent.name} ({TYPE_LABELS[agent.partner_type]}) joined the program",
        data={"partner": i},
    )


def bring_launch_opportunity(model: PartnerProgramModel, signed: list[int], week: int) -> None:
    """Newly signed partners often arrive with a customer need in hand (C8)."""
    p = model.partners
    if not signed:
        return
    counts = np.zeros(p.n, dtype=np.int64)
    fit = model.effective_fit()
    u = recruiting_uniforms(model, np.array(signed))[:, U_LAUNCH]
    for i, u_i in zip(signed, u.tolist(), strict=True):
        has_region = (p.regions[i] & model.allowed_regions).any()
        # a global SI waits for the vendor to bring the client, not the other way round
        if has_region and p.ptype[i] != P.GSI and u_i < P.LAUNCH_OPPORTUNITY * fit[i]:
            counts[i] = 1
    if counts.any():
        generate_partner_pipeline(model, week, counts, stream="launch")


def sign_probability(model: PartnerProgramModel, i: int, certain: bool = False) -> float:
    """Chance prospect `i` signs when approached: its type's rate (GSIs take long to sign,
    calibration rows L1-L3), scaled by the vendor's reputation among partners (C1: a vendor that burns
    partners signs fewer). The launch cohort (`certain`) signs for sure, a GSI almost."""
    p = model.partners
    chance = P.TYPE_SIGN_PROB[p.ptype[i]] * (
        P.SIGN_REPUTATION_BASE + P.SIGN_REPUTATION_WEIGHT * model.reputation / P.REPUTATION_START)
    if certain and p.ptype[i] != P.GSI:
        chance = 1.0
    elif certain:
        chance = max(chance, P.LAUNCH_GSI_SIGN_PROB)
    return chance


def recruit_partners(model: PartnerProgramModel, week: int, n: int, certain: bool = False) -> None:
    """Approach up to `n` prospects; each signs with a type- and reputation-driven chance.

    Args:
        model: The model.
        week: Current week.
        n: Prospects to approach this quarter.
        certain: The launch cohort (initial partners) signs without a coin toss.
    """
    p = model.partners
    order = recruiting_order(model)[:n]
    u = recruiting_uniforms(model, order)
    signed: list[int] = []
    for i, u_i in zip(order.tolist(), u.tolist(), strict=True):
        if u_i[U_SIGN] < min(1.0, sign_probability(model, i, certain)):
            sign_partner(model, i, week, u_i[U_CAPABILITY])
            signed.append(i)
        else:
            p.courting[i] += 1
            patience = P.COURTING_PATIENCE_GSI if p.ptype[i] == P.GSI else P.COURTING_PATIENCE
            if p.courting[i] >= patience:
                p.stage[i] = CHURNED   # gave up on this prospect
                p.courting[i] = 0
    bring_launch_opportunity(model, signed, week)

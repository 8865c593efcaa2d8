"""The player's levers: every policy choice the model responds to.

A `Policy` is a frozen dataclass so a decision timeline can hold snapshots of it and
compare them. Each lever is declared once in `LEVERS` with its type, allowed values or
range, default, group (for the game's panel) and a one-line help text; validation,
the CLI's `levers` listing, scenario loading and `--set LEVER=VALUE` parsing all read
that one table. Each lever's pydantic type (`Lever.annotation`) and the lever tables of the
file schemas (`lever_table`) are generated from it too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from pydantic import Field, create_model

from sim import units
from sim.errors import PartnersimError
from sim.params import MANAGER_SPAN
from sim.schema import FLAG, FileModel, checker, choice, no_default, number, show, whole


class PolicyError(PartnersimError):
    """A lever name or value that is not allowed. The message names both."""


@dataclass(frozen=True)
class Lever:
    """Declaration of one lever.

    Attributes:
        name: The lever's keyword name.
        kind: One of "choice", "bool", "int", "float".
        default: The default value.
        help: One line saying what the lever means in partnering terms.
        group: Panel group in the game.
        choices: Allowed values for "choice" levers.
        low: Inclusive minimum for numeric levers.
        high: Inclusive maximum for numeric levers.
        claims: The claims (C1-C20) this lever triggers.
        label: The name a manager reads in the game, the browser and charts.
        unit: How a value reads (`sim.units.UNITS`): "money", "share", "count", "score",
            "quarters"; "text" for choices and switches.
        ui_high: The slider's top in the game's panel, where players need less than `high`
            (a scenario or a researcher may still set up to `high`).
        step: The slider's step.
        zero: What a zero value means in words (e.g. "never cut"), if it is special.
        choice_labels: What a manager calls each value of a "choice" lever (every choice has
            one) or of a "bool" lever (default "On"/"Off"): the game, tooltips, debrief, charts
            and exports show these words; files, the CLI and saves keep the values themselves.
    """

    name: str
    kind: str
    default: Any
    help: str
    group: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    claims: tuple[str, ...] = ()
    label: str = ""
    unit: str = "text"
    ui_high: float | None = None
    step: float | None = None
    zero: str = ""
    choice_labels: dict[Any, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        values = {"choice": set(self.choices), "bool": {True, False}}.get(self.kind, set())
        wrong = set(self.choice_labels) - values
        missing = set(self.choices) - set(self.choice_labels)
        if wrong or missing:      # a declaration error, caught when sim.policy is imported
            raise ValueError(f"lever {self.name!r}: choice_labels must name each of its values once "
                             f"(missing: {sorted(missing, key=str)}, not a value: {sorted(wrong, key=str)})")

    @property
    def ui_range(self) -> tuple[float, float, float]:
        """(low, high, step) of the game's slider for a numeric lever."""
        step = self.step if self.step is not None else (1 if self.kind == "int" else 0.05)
        high = self.ui_high if self.ui_high is not None else self.high
        return float(self.low or 0.0), float(high if high is not None else 1.0), step

    def fmt(self, value: Any) -> str:
        """A value of this lever as a player reads it: a choice's label ("New markets only"), a
        switch's words ("On"), a number in its unit."""
        if self.kind == "bool":
            return self.choice_labels.get(bool(value), "On" if value else "Off")
        if self.kind == "choice":
            return self.choice_labels.get(value, str(value))
        if self.zero and value == 0:
            return self.zero
        return units.fmt(self.unit, value)

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and listings."""
        if self.kind == "choice":
            return " | ".join(self.choices)
        if self.kind == "bool":
            return "true | false"
        kind = "integer" if self.kind == "int" else "number"
        return f"{kind} from {show(self.low)} to {show(self.high)}"

    @property
    def annotation(self) -> Any:
        """This lever's values as a pydantic type, the one check every file and call shares:
        a choice, a strict bool, or an integer or number in [low, high] (never a bool)."""
        return _annotation(self)

    def check(self, value: Any) -> Any:
        """Return `value` as this lever's type (an integer 0 for a number lever is 0.0), or raise
        PolicyError naming the lever, the value and what is allowed."""
        return _checker(self)(value)

    def parse(self, text: str) -> Any:
        """Parse a command-line string (as in `--set LEVER=VALUE`) into a checked value."""
        raw: Any = text.strip()
        if self.kind == "bool":
            low = raw.lower()
            if low in ("true", "yes", "on", "1"):
                raw = True
            elif low in ("false", "no", "off", "0"):
                raw = False
        elif self.kind == "int":
            try:
                raw = int(raw)
            except ValueError:
                pass
        elif self.kind == "float":
            try:
                raw = float(raw)
            except ValueError:
                pass
        return self.check(raw)


# Built once per lever and kept here, not on the (picklable) Lever itself.
@cache
def _annotation(lever: Lever) -> Any:
    if lever.kind == "choice":
        return choice(lever.choices, lever.allowed())
    if lever.kind == "bool":
        return FLAG
    if lever.kind == "int":
        return whole(int(lever.low), int(lever.high), lever.allowed())
    return number(lever.low, lever.high, lever.allowed())


@cache
def _checker(lever: Lever) -> Callable[[Any], Any]:
    return checker(lever.annotation, f"lever '{lever.name}'", PolicyError)


_L = Lever
LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in [
        # Direct sales
        _L("partner_regions", "choice", "all",
           "Where partners may sell: every region, or only new markets the direct team does not cover.",
           "direct sales", choices=("all", "new_markets_only"), claims=("C4",),
           label="Where partners may sell",
           choice_labels={"all": "All regions", "new_markets_only": "New markets only"}),
        _L("deal_registration", "bool", True,
           "Partners can register an opportunity and be protected from direct reps on it.",
           "direct sales", claims=("C2",),
           label="Deal registration"),
        _L("direct_comp", "choice", "competing",
           "Direct reps paid only on their own deals (competing with partners), or also on partner deals in "
           "their territory (neutral).",
           "direct sales", choices=("neutral", "competing"), claims=("C2", "C1"),
           label="Direct reps' comp plan",
           choice_labels={"neutral": "Neutral (partner deals count)", "competing": "Competing (own deals only)"}),
        _L("direct_takeover", "bool", False,
           "Management moves accounts that partners opened to the direct team once they are customers.",
           "direct sales", claims=("C1",),
           label="Take partner accounts direct",
           choice_labels={True: "Take them direct", False: "Partners keep them"}),
        # Partner team
        _L("partner_team_size", "int", 3,
           f"Number of partner managers; each properly supports at most {MANAGER_SPAN:.0f} partners: "
           "about 8-9 when experienced and paid on their own results, about 4 when passing through "
           "on team pay.",
           "partner team", low=0, high=200, claims=("C3", "C20"),
           label="Partner managers", unit="count", ui_high=20, step=1),
        _L("partner_team_hiring", "choice", "professional",
           "Hire experienced partner managers, or fill the team with people passing through.",
           "partner team", choices=("professional", "transfer_portal"), claims=("C20",),
           label="Partner team hiring",
           choice_labels={"professional": "Experienced professionals", "transfer_portal": "People passing through"}),
        _L("partner_team_comp", "choice", "individual_high_leverage",
           "Partner managers on individual revenue-accountable pay, or team-based low-leverage pay.",
           "partner team", choices=("individual_high_leverage", "team_low_leverage"), claims=("C20",),
           label="Partner team pay",
           choice_labels={"individual_high_leverage": "Individual, high leverage",
                          "team_low_leverage": "Team-based, low leverage"}),
        _L("partner_team_training", "float", 0.5,
           "Training in partner-management skills (0 none, 1 a full programme).",
           "partner team", low=0.0, high=1.0, claims=("C20",),
           label="Partner team training", unit="score"),
        _L("partner_budget_share", "float", 0.15,
           "Share of the go-to-market budget given to the partner program (marketing, enablement, engineering time).",
           "executive", low=0.0, high=0.5, claims=("C3",),
           label="Program budget share", unit="share"),
        # Enablement
        _L("enablement", "float", 0.6,
           "Depth of partner enablement: training, certification, demo systems (0-1).",
           "enablement", low=0.0, high=1.0, claims=("C5", "C13"),
           label="Enablement depth", unit="score"),
        _L("onboarding_pace", "choice", "paced",
           "Deliver onboarding content over several quarters, or all of it in the first.",
           "enablement", choices=("paced", "front_loaded"), claims=("C13",),
           label="Onboarding pace",
           choice_labels={"paced": "Paced over quarters", "front_loaded": "All in the first quarter"}),
        _L("sales_playbook", "float", 0.5,
           "Maturity of a repeatable, step-by-step sales process partners can follow (0-1).",
           "enablement", low=0.0, high=1.0, claims=("C5",),
           label="Sales playbook", unit="score"),
        # Management
        _L("management_style", "choice", "support",
           "Support partners' own plans, or push them to vendor targets.",
           "partner team", choices=("support", "push"), claims=("C12", "C16", "C6"),
           label="Management style",
           choice_labels={"support": "Support their plans", "push": "Push to our targets"}),
        _L("partner_plan", "choice", "joint_activity",
           "Joint plans built on activities and milestones, or a revenue target agreed up front.",
           "partner team", choices=("joint_activity", "revenue_target"), claims=("C14",),
           label="Partner plans",
           choice_labels={"joint_activity": "Joint activity plan", "revenue_target": "Revenue target"}),
        # Incentives
        _L("incentive", "choice", "none",
           "Extra partner incentive: none, a referral bounty per deal, or incentives aligned with the partner's goals.",
           "incentives", choices=("none", "referral_bounty", "aligned"), claims=("C17",),
           label="Incentive",
           choice_labels={"none": "None", "referral_bounty": "Referral bounty",
                          "aligned": "Aligned with partner goals"}),
        _L("incentive_budget", "float", 0.0,
           "Money per quarter for the incentive (USD).",
           "incentives", low=0.0, high=5_000_000.0, claims=("C17",),
           label="Incentive budget / qtr", unit="money", ui_high=400_000, step=10_000),
        _L("partner_margin", "float", 0.25,
           "Margin partners keep on deals they sell (0-0.5): partners sell the vendor that pays them at "
           "least what their other vendors do; resellers need more margin than integrators.",
           "incentives", low=0.0, high=0.5, claims=("C17", "C6"),
           label="Partner margin", unit="share", step=0.01),
        # Recruiting
        _L("recruiting_focus", "choice", "fit_screened",
           "Whom to recruit: partners screened for fit, the biggest names first, or whoever says yes.",
           "recruiting", choices=("fit_screened", "biggest_first", "opportunistic"), claims=("C10", "C11"),
           label="Recruiting focus",
           choice_labels={"fit_screened": "Fit-screened", "biggest_first": "Biggest names first",
                          "opportunistic": "Whoever says yes"}),
        _L("initial_partners", "int", 10,
           "Partners signed at launch (the size of the pilot).",
           "recruiting", low=0, high=500, claims=("C8",),
           label="Launch partners (Q1)", unit="count", ui_high=60, step=1),
        _L("recruits_per_quarter", "int", 3,
           "Partners the team tries to sign each quarter.",
           "recruiting", low=0, high=200, claims=("C3",),
           label="Prospects per quarter", unit="count", ui_high=20, step=1),
        # Executive
        _L("forecast_method", "choice", "partner_commit",
           "Forecast partner revenue from what partners commit, or from their business rhythm and track record.",
           "executive", choices=("partner_commit", "rhythm_aware"), claims=("C15", "C18"),
           label="Forecast method",
           choice_labels={"partner_commit": "Partner commits", "rhythm_aware": "Rhythm and track record"}),
        _L("executive_patience", "int", 0,
           "Quarters the board waits before cutting a program that does not pay back (0 = never cut).",
           "executive", low=0, high=40, claims=("C9",),
           label="Board patience (quarters)", unit="quarters", ui_high=16, step=1, zero="never cut"),
        _L("cross_org_collaboration", "float", 0.3,
           "How much channel, technology and alliance teams share customer insight (0-1).",
           "executive", low=0.0, high=1.0, claims=("C19",),
           label="Cross-org collaboration", unit="score"),
    ]
}

LEVER_GROUPS: tuple[str, ...] = (
    "direct sales", "partner team", "enablement", "incentives", "recruiting", "executive",
)


@dataclass(frozen=True)
class Policy:
    """Every lever the player controls, with its current value.

    Build with keyword arguments and call `validate()` (or use `Policy.from_mapping`,
    which does both). `replace(**changes)` returns a validated copy.
    """

    partner_regions: str = LEVERS["partner_regions"].default
    deal_registration: bool = LEVERS["deal_registration"].default
    direct_comp: str = LEVERS["direct_comp"].default
    direct_takeover: bool = LEVERS["direct_takeover"].default
    partner_team_size: int = LEVERS["partner_team_size"].default
    partner_team_hiring: str = LEVERS["partner_team_hiring"].default
    partner_team_comp: str = LEVERS["partner_team_comp"].default
    partner_team_training: float = LEVERS["partner_team_training"].default
    partner_budget_share: float = LEVERS["partner_budget_share"].default
    enablement: float = LEVERS["enablement"].default
    onboarding_pace: str = LEVERS["onboarding_pace"].default
    sales_playbook: float = LEVERS["sales_playbook"].default
    management_style: str = LEVERS["management_style"].default
    partner_plan: str = LEVERS["partner_plan"].default
    incentive: str = LEVERS["incentive"].default
    incentive_budget: float = LEVERS["incentive_budget"].default
    partner_margin: float = LEVERS["partner_margin"].default
    recruiting_focus: str = LEVERS["recruiting_focus"].default
    initial_partners: int = LEVERS["initial_partners"].default
    recruits_per_quarter: int = LEVERS["recruits_per_quarter"].default
    forecast_method: str = LEVERS["forecast_method"].default
    executive_patience: int = LEVERS["executive_patience"].default
    cross_org_collaboration: float = LEVERS["cross_org_collaboration"].default

    def validate(self) -> Policy:
        """Check every lever; return a copy with values normalised to their types.

        Raises:
            PolicyError: naming the first bad lever, its value and what is allowed.
        """
        clean = {name: LEVERS[name].check(getattr(self, name)) for name in LEVERS}
        return Policy(**clean)

    def replace(self, **changes: Any) -> Policy:
        """Return a validated copy with `changes` applied; unknown levers are an error."""
        check_lever_names(changes)
        return dataclasses.replace(self, **changes).validate()

    def as_dict(self) -> dict[str, Any]:
        """The levers as a plain dict, in declaration order."""
        return {name: getattr(self, name) for name in LEVERS}

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Policy:
        """Build a validated policy from defaults overridden by `values`."""
        check_lever_names(values)
        return cls(**values).validate()


def check_lever_names(values: dict[str, Any]) -> None:
    """Raise PolicyError if any key is not a lever, listing the levers that exist."""
    unknown = [k for k in values if k not in LEVERS]
    if unknown:
        raise PolicyError(
            f"unknown lever '{unknown[0]}' (levers: {', '.join(LEVERS)})"
        )


class LeverTable(FileModel):
    """Base of every table keyed by lever names ([policy], [locked], [fix.levers], ...)."""

    unknown: ClassVar[str] = "unknown lever (levers: {keys})"


def lever_table(name: str, value: Callable[[Lever], Any] | None = None, *, defaults: bool = True,
                doc: str = "") -> type[LeverTable]:
    """A file-schema table with one optional key per lever, generated from LEVERS.

    Args:
        name: The model's name (its title in the JSON schema).
        value: The type of a lever's value in this table (default: the lever's own type).
        defaults: Show each lever's default in the JSON schema (a starting policy) or not (a
            table of changes or reasons, where leaving a lever out means "not set").
        doc: The table's description.
    """
    fields = {
        lever.name: ((value or (lambda lv: lv.annotation))(lever),
                     Field(lever.default if defaults else None, title=lever.label, description=lever.help,
                           json_schema_extra=None if defaults else no_default))
        for lever in LEVERS.values()
    }
    return create_model(name, __base__=LeverTable, __doc__=doc or None, **fields)


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse 'LEVER=VALUE' from the command line into a checked (name, value) pair."""
    if "=" not in text:
        raise PolicyError(f"'{text}' is not LEVER=VALUE (levers: {', '.join(LEVERS)})")
    name, _, value = text.partition("=")
    name = name.strip()
    if name not in LEVERS:
        raise PolicyError(f"unknown lever '{name}' (levers: {', '.join(LEVERS)})")
    return name, LEVERS[name].parse(value)

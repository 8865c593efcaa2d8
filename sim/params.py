"""Calibrated constants, each with the published figure it is set against.

Sources are the rows of `calibration.md` (shared with the project), cited as "calibration
row X1" (its rows C1-C8 share their letter with the claims C1-C20, so a bare C-number here is
always a claim); CT1-CT9 are the calibration targets of `partnering-claims.md`. Constants no
published figure pins down say why they have their value. `docs/model.md` tabulates target,
band and the value this model produces. Money is in US dollars; one model step is one week
and 13 weeks make a quarter.
"""

from __future__ import annotations

import numpy as np

WEEKS_PER_QUARTER = 13
WEEKS_PER_YEAR = 52.0        # a partner's fiscal year, for its business rhythm (C18)

# --- Market ---------------------------------------------------------------------------
# Deal value by segment, list price in USD (calibration rows I1, I2: median ACV ~25k;
# enterprise > 100k).
SEGMENT_VALUE = np.array([110_000.0, 40_000.0, 14_000.0])
VALUE_SIGMA = 0.55
# Win rate of a qualified opportunity by segment (calibration row I4: enterprise ~15%, mid
# 15-25%, SMB 25-40%).
SEGMENT_WIN = np.array([0.17, 0.25, 0.33])
# Sales cycle in weeks by segment (calibration row I1: median ~84 days; SMB 2-6 weeks;
# enterprise 6-12 months).
SEGMENT_CYCLE = np.array([22.0, 12.0, 5.0])
# Gamma shape of a cycle's length around its mean: a coefficient of variation of 0.5, so
# most deals close within half to one and a half times the segment's cycle (calibration row I1
# gives ranges, not a distribution).
CYCLE_SHAPE = 4.0
# Target accounts by segment (enterprise, mid-market, SMB): chosen so that named enterprise
# accounts are a minority and the long tail is mid-market and SMB.
ACCOUNT_SEGMENT_MIX = (0.2, 0.45, 0.35)
# Direct reps' opportunity mix by segment (they work named enterprise and mid-market accounts).
DIRECT_SEGMENT_MIX = np.array([0.3, 0.5, 0.2])
# Opportunities a direct rep opens per week at full demand.
DIRECT_OPP_RATE = 0.72
# Direct reps: skill ~ normal(mean, sd) clipped to [min, 1]; skill scales a rep's capacity
# and win rate by BASE + WEIGHT x skill, so an average rep (0.6) works at 1.04x. Chosen so
# that direct win rates stay in calibration row I4's bands.
REP_SKILL_MEAN = 0.6
REP_SKILL_SD = 0.15
REP_SKILL_MIN = 0.1
REP_SKILL_BASE = 0.8
REP_SKILL_WEIGHT = 0.4
# A rep's quarterly quota (a rep's readable state only; no mechanism reads it): about eight
# median deals a quarter at calibration row I2's median ACV of ~$25k.
REP_QUOTA = 200_000.0
# Moving go-to-market budget to partners takes it from the direct team: a rep's opportunity
# rate falls by this much per unit of budget share (chosen so that the default 15% share
# costs the direct team under 5% of its opportunities).
DIRECT_BUDGET_DRAIN = 0.3
# New markets: thinner demand and longer cycles until references build awareness (C4).
NEW_MARKET_DEMAND = 0.55
NEW_MARKET_CYCLE = 1.5
REFERENCES_FOR_AWARENESS = 12.0
# Brand awareness in a new market starts at AWARENESS_START and grows by up to
# AWARENESS_FROM_REFERENCES as won customers there become references (C4).
AWARENESS_START = 0.3
AWARENESS_FROM_REFERENCES = 0.7
# New-market demand before anyone there knows the brand, and what awareness adds (C4):
# half the demand is there from the start, the other half comes with awareness.
AWARENESS_DEMAND_BASE = 0.5
AWARENESS_DEMAND_WEIGHT = 0.5
# Win rate in a region scales by BASE + WEIGHT x awareness: with no awareness a deal closes
# at 55% of the home rate (C4; no published figure: a judgment that the partner's own
# relationship carries about half a deal where nobody knows the brand).
AWARENESS_WIN_BASE = 0.55
AWARENESS_WIN_WEIGHT = 0.45
# Repeat business from a customer account, per week, and its size relative to a new deal.
EXPANSION_RATE = 0.018
EXPANSION_VALUE = 0.45
EXPANSION_WIN = 0.6
EXPANSION_CYCLE = 5.0
# Spread of an expansion's value (a lognormal with mean one: mu = -sigma^2 / 2) and the gamma
# shape of its cycle: repeat purchases vary less than new deals.
EXPANSION_VALUE_MU = -0.08
EXPANSION_VALUE_SIGMA = 0.4
EXPANSION_CYCLE_SHAPE = 3.0
# A partner-owned customer buys again as far as the partner still cares: BASE + WEIGHT x
# mindshare (the partner services the installed base even when it de-emphasises the vendor,
# calibration row F3).
EXPANSION_MINDSHARE_BASE = 0.3
EXPANSION_MINDSHARE_WEIGHT = 0.7
# Go-to-market budget per quarter at world scale 1 (the pot the partner share comes out of).
GTM_BUDGET = 1_600_000.0
# World floors: a region always has some accounts and the pool some firms, at any scale.
MIN_ACCOUNTS_PER_REGION = 10
MIN_PARTNER_POOL = 5
# Weeks the direct team sells alone before the program launches (three quarters: a full
# direct pipeline and an installed base of customers).
WARM_UP_WEEKS = 39

# --- Partner firms --------------------------------------------------------------------
# Type mix of the addressable pool, base fit of each type with a mid-market software offer
# (C11's fit matrix), selling motion and services attach (calibration row E5: partner profit
# is services).
#                     reseller  SI    MSP   ISV   GSI
TYPE_SHARE = np.array([0.36, 0.26, 0.18, 0.15, 0.05])
TYPE_FIT = np.array([0.50, 0.72, 0.62, 0.45, 0.30])
TYPE_SIZE_MEAN = np.array([0.8, 1.2, 1.0, 0.7, 7.0])
TYPE_SIZE_SIGMA = np.array([1.5, 1.5, 1.4, 1.5, 0.4])
TYPE_SEGMENT_MIX = np.array([
    [0.05, 0.45, 0.50],   # reseller
    [0.20, 0.60, 0.20],   # system integrator
    [0.05, 0.55, 0.40],   # MSP
    [0.15, 0.55, 0.30],   # ISV
    [0.90, 0.10, 0.00],   # global SI
])
TYPE_SERVICES_ATTACH = np.array([0.05, 0.35, 0.25, 0.10, 0.50])
# What a dollar of another vendor's product on the partner's line card earns it (calibration
# rows E2, E5, D3): a reseller the 20-25% SaaS margin plus a little services; a solution
# provider with a services-heavy mix about 45% gross margin, an MSP between (28-45%); an ISV
# earns on its own product, not on resale; a global SI on large services projects.
TYPE_LINE_CARD_TAKE = np.array([0.27, 0.45, 0.40, 0.25, 0.55])
TYPE_INITIAL_CAPABILITY = np.array([0.12, 0.18, 0.15, 0.12, 0.25])
TYPE_ATTENTION_NEED = np.array([1.0, 1.0, 1.0, 1.0, 3.0])
SIZE_ATTENTION = 0.2   # extra attention per unit of size above SIZE_ATTENTION_FROM
SIZE_ATTENTION_FROM = 1.5
TYPE_SIGN_PROB = np.array([0.75, 0.7, 0.7, 0.7, 0.22])   # calibration rows L1-L3: GSIs take long to sign
TYPE_ABSORB = np.array([1.0, 1.0, 1.0, 1.0, 0.5])          # a small vendor is a sliver of a GSI
# Spread of individual fit around the type's fit: most firms are a poor fit, a few a great one.
FIT_SIGMA = 0.75
FIT_MIN = 0.03   # even a poor fit sells the odd deal
# A firm's regions: one, a second above SECOND_REGION_SIZE, a third above THIRD_REGION_SIZE
# (a global SI is everywhere). Chosen so that most firms are local and the big ones regional.
SECOND_REGION_SIZE = 1.5
THIRD_REGION_SIZE = 3.0
# A partner's business rhythm: the swing of its capacity over its own fiscal year (C18),
# drawn uniformly (a judgment: 10-45% either way); the slips it causes in the busy season
# feed calibration row K1's over-forecasts.
RHYTHM_AMP_MIN = 0.1
RHYTHM_AMP_MAX = 0.45
# How well screening sees a prospect's fit before it signs (noise on the observed fit).
FIT_SCREEN_NOISE = 0.15
# Mindshare a fully satisfied partner gives: the share of its business the offer can be (C6).
MINDSHARE_FLOOR = 0.1
RESELLER = 0
GSI = 4
ISV = 3
# A global SI acts only where the vendor already has enterprise customers (calibration row L1).
GSI_REFERENCES_NEEDED = 8.0   # enterprise wins made with partners since launch
GSI_REFERENCE_EXPONENT = 2    # a GSI's reach grows with the square of references: one is not enough
GSI_DEAL_MULT = 2.5
# Partners sell solutions (more seats and modules bundled with their services) and skip
# deals too small to carry their margin (calibration row E3: resale fails below ~$20k).
PARTNER_DEAL_MULT = 1.6
# Partner opportunity rate per week at size 1, full mindshare, fit and capability.
PARTNER_OPP_RATE = 0.42
# Big firms carry many vendors: a small vendor's share of their effort shrinks with size (C10).
SIZE_MINDSHARE_DAMPING = 0.35
# A partner manager's joint planning and lead sharing: share of a partner's selling that
# depends on the attention it gets (C3, C20, CT7).
MANAGER_SELLING_SHARE = 0.5
# Capability below this and the partner cannot run a sales cycle yet.
CAPABILITY_TO_SELL = 0.1
CAPABILITY_ACTIVE = 0.35
# A partner's win rate: SEGMENT_WIN x (BASE + CAPABILITY x usable capability), where a
# playbook makes capability usable (C5): without one only PLAYBOOK_WIN_BASE of it counts.
# Chosen so that a capable partner wins about as often as a rep (calibration rows H1, I4).
PARTNER_WIN_BASE = 0.45
PARTNER_WIN_CAPABILITY = 0.8
PLAYBOOK_WIN_BASE = 0.6
PLAYBOOK_WIN_WEIGHT = 0.4
# A partner on a deal lifts win rate modestly (calibration row H1: +11.7%; CT6 band 1.1-1.5x).
COSELL_LIFT = 0.45
# A co-selling partner earns its services on the deal, but shares the work with the rep:
# half the services attach of a deal it sells itself (calibration row E5).
COSELL_SERVICES_SHARE = 0.5
# Partner-sourced deals close a little faster than direct ones (the partner already knows
# the customer); the resale coordination adds a week back (calibration row H2, low confidence).
PARTNER_CYCLE = 0.8
RESALE_LAG_WEEKS = 1
# Many partners sign because they have a customer need in hand: chance a new partner
# brings a first opportunity with it, times its fit (C8: first partners often by chance).
LAUNCH_OPPORTUNITY = 0.6
# Vendor marketing leads routed to partners each week, per unit of world scale, shared out
# by last quarter's partner revenue: support flows to those already producing (CT2).
LEADS_PER_WEEK = 0.6
COSELL_PROB = 0.25

# --- Recruiting -----------------------------------------------------------------------
# A prospect signs with TYPE_SIGN_PROB x (BASE + WEIGHT x reputation / REPUTATION_START):
# at the starting reputation the type's rate; a vendor known to burn partners signs about a
# third as many (C1; calibration row F3: partners talk).
SIGN_REPUTATION_BASE = 0.35
SIGN_REPUTATION_WEIGHT = 0.65
# The launch cohort signs for sure, except a global SI, which still takes convincing
# (calibration row L1).
LAUNCH_GSI_SIGN_PROB = 0.6
# Fit screening ranks prospects by observed fit, with a mild preference for mid-size firms
# (SCREEN_SIZE_PREFERENCE x tanh(size)) and global SIs last (C10, C11).
SCREEN_SIZE_PREFERENCE = 0.15
SCREEN_GSI_PENALTY = -1.0
# Sort offset that puts prospects already being courted first (larger than any ranking key).
COURTING_FIRST = 100.0
# Approaches before the vendor gives up on a prospect: a global SI is courted for longer
# (calibration row L1).
COURTING_PATIENCE = 2
COURTING_PATIENCE_GSI = 6
# A new partner's starting capability: its type's, times BASE + SPREAD x uniform(0, 1).
INITIAL_CAPABILITY_BASE = 0.7
INITIAL_CAPABILITY_SPREAD = 0.6
# A new partner starts at this share of the mindshare its fit would justify, neutral on the
# economics, and socially as warm as the vendor's reputation (BASE + WEIGHT x reputation).
NEW_PARTNER_MINDSHARE = 0.5
SATISFACTION_START = 0.5
NEW_PARTNER_SOC_BASE = 0.4
NEW_PARTNER_SOC_REPUTATION = 0.3

# --- Partner team ---------------------------------------------------------------------
# Partners one manager can properly support at best (calibration row J1: 7-10). A manager's
# capacity is SPAN x skill x comp drive, so an experienced manager with average training on
# individual pay supports about 8-9, one passing through on team pay about 4.
MANAGER_SPAN = 10.0
MANAGER_SKILL = {"professional": (0.72, 0.08), "transfer_portal": (0.40, 0.10)}
# A hire's drawn skill is clipped to [MIN, MAX]: nobody hired is useless or perfect.
MANAGER_SKILL_MIN = 0.05
MANAGER_SKILL_MAX = 0.98
MANAGER_SALARY = {"professional": 45_000.0, "transfer_portal": 32_000.0}   # per quarter, loaded
# Quarterly departure probability (calibration row J5: ~67% of channel managers gone within 3 years).
MANAGER_TURNOVER = {"professional": 0.06, "transfer_portal": 0.20}
# A manager walks a new partner through its first deal: FIRST_DEAL_ASSIST opportunities a week
# at full attention and effectiveness, for its first FIRST_DEAL_QUARTERS quarters, scaled by
# the plan (calibration rows C1, C3, C4: median first deal ~4.7 months; partners with a first
# deal in 90 days keep producing; structured onboarding 3.4x likelier active at 90 days).
FIRST_DEAL_ASSIST = 0.3
FIRST_DEAL_QUARTERS = 1
FIRST_DEAL_PLAN = {"joint_activity": 1.0, "revenue_target": 0.5}
# A first deal is a small land deal (a judgment: no published figure), a share of a normal one.
FIRST_DEAL_VALUE = 0.3
COMP_DRIVE = {"individual_high_leverage": 1.1, "team_low_leverage": 0.8}
COMP_TURNOVER_ADD = {"individual_high_leverage": 0.0, "team_low_leverage": 0.03}
# Full partner-management training closes this share of the gap to perfect skill (C20).
TRAINING_SKILL_GAIN = 0.5
# A new hire works at this share of capacity for MANAGER_RAMP_QUARTERS while learning the
# portfolio (a judgment, shorter than the 5-month median AE ramp of calibration row I2:
# a manager inherits partners that are already selling).
NEW_MANAGER_RAMP = 0.5
MANAGER_RAMP_QUARTERS = 1
# What a partner's social satisfaction loses when its manager leaves: the relationship was
# with the person (calibration row J5; C20).
MANAGER_LOSS_SOC_HIT = 0.06
# A revenue-accountable manager weights a partner by BASE + SHARE x its share of the
# portfolio's revenue + FIT x its fit: attention follows revenue (CT2, calibration row J10).
REVENUE_FOCUS_BASE = 0.4
REVENUE_FOCUS_SHARE = 4.0
REVENUE_FOCUS_FIT = 0.4
# Joint activity plans flag partners with no opportunity yet for this much more attention (C14).
JOINT_PLAN_LAGGING_WEIGHT = 1.4

# --- Enablement and support -----------------------------------------------------------
# Full enablement programme, in capability units, and the most a partner absorbs per quarter.
CURRICULUM = 1.0
ABSORB_PER_QUARTER = 0.24
PACED_QUARTERS = 4
FRONT_LOADED_SPLIT = (0.7, 0.3)
# Support cost per enrolled partner per quarter for full support (rises with enablement depth).
SUPPORT_COST = 6_000.0
# Budget left after support buys partner marketing: it lifts partner selling by up to
# MARKETING_BOOST_MAX, with diminishing returns on a scale of MARKETING_SPEND_SCALE a quarter
# (a judgment; calibration row E13: up to 60% of MDF goes unallocated or without return).
MARKETING_BOOST_MAX = 0.4
MARKETING_SPEND_SCALE = 150_000.0
# Absorption capacity per quarter (C13): falls with size (a big firm has more people to
# train: ABSORB_SIZE_DRAG per unit), follows the partner's rhythm (clipped to
# [ABSORB_RHYTHM_MIN, ABSORB_RHYTHM_MAX]), its manager's attention and the support level
# (each BASE + WEIGHT x level). ABSORB_SCALE = 1 + ABSORB_SIZE_DRAG, so that a firm of size 1
# absorbs exactly ABSORB_PER_QUARTER.
ABSORB_SIZE_DRAG = 0.08
ABSORB_SCALE = 1.08
ABSORB_RHYTHM_MIN = 0.5
ABSORB_RHYTHM_MAX = 1.5
ABSORB_ATTENTION_BASE = 0.55
ABSORB_ATTENTION_WEIGHT = 0.45
ABSORB_SUPPORT_BASE = 0.5
ABSORB_SUPPORT_WEIGHT = 0.5
# Content beyond capacity is learned at falling efficiency (OVERLOAD_EFFICIENCY_LOSS per
# capacity's worth of excess, down to OVERLOAD_EFFICIENCY_MIN); overload is capped at
# OVERLOAD_MAX capacities (the inverted U in pace, C13).
OVERLOAD_EFFICIENCY_LOSS = 0.3
OVERLOAD_EFFICIENCY_MIN = 0.3
OVERLOAD_MAX = 2.0
# Unabsorbed content fades: this share of the backlog is still there next quarter.
BACKLOG_KEEP = 0.5
# A playbook makes learning usable (C5): BASE + WEIGHT x playbook maturity.
PLAYBOOK_USABLE_BASE = 0.55
PLAYBOOK_USABLE_WEIGHT = 0.45
# Capability gained per unit of usable content absorbed, times the room left to learn (a
# judgment: a fully absorbed curriculum takes a novice most of the way to capable).
ABSORB_TO_CAPABILITY = 1.3
# Practice with a manager under joint activity plans, per unit of attention (C14).
JOINT_PLAN_PRACTICE = 0.02
# Each won deal teaches the partner this share of what it still has to learn (CT4: a partner
# that starts selling keeps selling, calibration row C3).
LEARN_PER_WIN = 0.03

# --- Conflict -------------------------------------------------------------------------
# Chance a direct rep is also working an account a partner brings, by segment
# (calibration rows F1, F2).
OVERLAP = np.array([0.70, 0.45, 0.15])
COMP_CONFLICT = {"competing": 0.75, "neutral": 0.22}
# Deal registration: protection honoured (CT8: 30-60% fewer incidents; calibration row F5
# rated 6/10).
REG_HONOR = {"neutral": 0.78, "competing": 0.55}
REG_RESIDUAL = 0.15
TAKEOVER_HONOR_MULT = 0.3
# Share of its deals a partner registers: BASE + TRUST x social satisfaction (calibration
# row F6: partners with low trust register late or not at all; 82% say it matters).
REGISTER_BASE = 0.45
REGISTER_TRUST = 0.5
PUSH_CONFLICT = 1.25
# Who wins an internal fight over a deal (direct has proven, faster revenue).
DIRECT_WINS_CONTEST = {"competing": 0.6, "neutral": 0.3, "takeover": 0.8}
# What one incident costs the partner: frequency matters, not size (Webb & Hogan 2002; CT9;
# calibration row F10).
CONFLICT_SOC_HIT = 0.08
CONFLICT_MINDSHARE_KEEP = 0.8
# A partner that keeps the deal after a clash still loses this share of what a lost deal
# costs in effort and in social satisfaction (calibration row F2: conflict costs business
# even when the deal is not lost).
KEPT_DEAL_MINDSHARE_SHARE = 0.5
KEPT_DEAL_SOC_SHARE = 0.4
TAKEOVER_PROB = 0.5
TAKEOVER_DEAL_PROB = 0.3
TAKEOVER_EXPANSION_MULT = 0.7
# Partner deals in flight that reps may take over: those closing within this many quarters.
TAKEOVER_DEAL_HORIZON_QUARTERS = 3
# A new market counts as open to takeovers once brand awareness there passes this level.
TAKEOVER_AWARENESS = 0.6
# Reputation lost per account taken direct (C1; calibration row F3: partners talk).
TAKEOVER_REPUTATION_HIT = 0.02
# Word of takeovers: accounts taken this quarter per enrolled partner (counting at least
# TAKEOVER_NEWS_MIN_AUDIENCE partners), times TAKEOVER_NEWS_REACH, capped at
# TAKEOVER_NEWS_MAX (C1; calibration row F3: partners talk). A judgment: one takeover among
# ten partners is one unit of news for each of them, two or more is as bad as it gets.
TAKEOVER_NEWS_REACH = 10.0
TAKEOVER_NEWS_MIN_AUDIENCE = 10
TAKEOVER_NEWS_MAX = 2.0
NEUTRAL_COMP_RATE = 0.08   # extra commission paid to direct reps on partner deals (calibration row G1 cost)

# --- Satisfaction, mindshare and churn ------------------------------------------------
# Overall satisfaction S = W x economic + (1 - W) x social: the two are distinct (calibration
# row M3) and no source weighs one above the other, so they count equally.
SATISFACTION_ECON_WEIGHT = 0.5
INCOME_REF = 30_000.0
# Economic signal: BASE + PROFIT_WEIGHT x tanh(profit gap / PROFIT_GAP_SCALE) + INCOME_WEIGHT
# x tanh(income / INCOME_REF) + incentives, where the profit gap is the partner's take per
# dollar of the vendor's product (margin + services) less its take on the other vendors on
# its line card (sim.mechanisms.economics; calibration rows E2, E5, D3).
ECON_BASE = 0.2
ECON_PROFIT_WEIGHT = 0.3
PROFIT_GAP_SCALE = 0.15
# Effort on economics alone: a logistic in the profit gap with this steepness per unit of
# take: at parity half the fit-justified effort; 5 points better ~73%, 10 points ~88%;
# 10 points worse ~12% (calibration row E3: thin-margin resellers sign up and do nothing).
PROFIT_STEEPNESS = 20.0
ECON_INCOME_WEIGHT = 0.5
# Partners in their first PROMISE_QUARTERS judge the economics on promise, at least PROMISE_ECON.
PROMISE_QUARTERS = 2
PROMISE_ECON = 0.45
# Social signal: BASE + ATTENTION x attention x manager skill + SUPPORT x support level, plus
# the management style (support or push, calibration rows M1, M2), plans (C14) and reputation.
SOC_BASE = 0.25
SOC_ATTENTION = 0.4
SOC_SUPPORT = 0.2
SUPPORT_STYLE_SOC = 0.08
PUSH_STYLE_SOC_HIT = 0.12
JOINT_PLAN_SOC = 0.04
# Under revenue-target plans a partner is "behind" below BEHIND_SHARE of last quarter's
# revenue (or of REVENUE_TARGET_FLOOR) and feels judged (C14).
BEHIND_SHARE = 0.5
REVENUE_TARGET_FLOOR = 20_000.0
REVENUE_TARGET_SOC_HIT = 0.08
SOC_REPUTATION = 0.1
# Satisfaction moves this share of the way toward its signal each quarter (about a third:
# loyalty moves slowly, calibration row D4).
ECON_SMOOTHING = 0.35
SOC_SMOOTHING = 0.3
# Direct hits on social satisfaction: per own account taken direct, per unit of takeovers
# heard of (C1), per unit of onboarding overload (C13).
TAKEOVER_SOC_HIT = 0.15
TAKEOVERS_HEARD_SOC_HIT = 0.05
OVERLOAD_SOC_HIT = 0.06
# Mindshare target: fit-justified effort times a logistic in S (dissatisfied partners give
# 60-70% less effort, calibration row D6), centred at MINDSHARE_MIDPOINT.
MINDSHARE_STEEPNESS = 7.0
MINDSHARE_MIDPOINT = 0.42
MINDSHARE_UP = 0.25        # loyalty recovers slowly (calibration row D4 "glacial")
MINDSHARE_DOWN = 0.5
# Quarterly churn hazard c0 * exp(-lambda * S): ~10%/yr at S=0.6, ~25%/yr at S=0.3
# (calibration rows D1, F3).
CHURN_C0 = 0.20
CHURN_LAMBDA = 3.4
CHURN_HAZARD_MAX = 0.9     # a cap: no partner is certain to leave within a quarter
# Partners with no profit from the vendor for a year prune it from their line card
# (calibration row D2). Calibration row F3: a third of partners drop a vendor after badly
# handled conflict: each recent lost deal adds to the quarterly exit hazard, a customer
# taken direct twice as much.
CONFLICT_EXIT = 0.035
TAKEOVER_EXIT = 2 * CONFLICT_EXIT
ZERO_PROFIT_QUARTERS = 5
ZERO_PROFIT_HAZARD = 0.07
# Memory of conflicts, takeovers and lost deals decays by this factor a quarter (a year's
# half-life: 0.84^4 = 0.50).
MEMORY_DECAY = 0.84
# Life cycle: productive = a won deal in the last PRODUCTIVE_QUARTERS quarters; at risk below
# AT_RISK_SATISFACTION (~25%/yr exit hazard, calibration row F3's conflicted partners), or
# below LUKEWARM_SATISFACTION for a partner that has gone PRODUCTIVE_QUARTERS without a deal.
PRODUCTIVE_QUARTERS = 4
AT_RISK_SATISFACTION = 0.33
LUKEWARM_SATISFACTION = 0.45
# Reputation lost when a partner that fought the direct team leaves (C1; calibration row F3).
CHURN_REPUTATION_HIT = 0.01
# Reasons a leaving partner gives (event wording): how it ranks them, highest first, and when
# each applies: recent conflicts, quarters without income, hardly any attention, overload.
REASON_PRIORITY = {
    "program_cut": 3.0, "takeover": 2.0, "conflict": 1.0, "no_income": 0.9, "no_support": 0.7,
    "thin_margin": 0.6, "pushed": 0.6, "overload": 0.5, "heard_takeovers": 0.4, "fallback": 0.1,
}
REASON_CONFLICTS = 0.5
REASON_NO_INCOME_QUARTERS = 3
REASON_LOW_ATTENTION = 0.3
REASON_OVERLOAD = 0.5
# A partner is at risk when its quarterly exit hazard reaches RISK_HAZARD_MULT times a
# content partner's (S = CONTENT_SATISFACTION: ~10%/yr, calibration row D1), i.e. ~19%/yr,
# between the healthy 10% and the conflicted 25% a year of calibration rows D1, F3.
CONTENT_SATISFACTION = 0.6
RISK_HAZARD_MULT = 2.0

# --- Incentives -----------------------------------------------------------------------
BOUNTY_RATE = 0.15          # calibration row E6: referral fee 10-20% of first-year value
BOUNTY_SPIKE = 0.9
BOUNTY_DECAY = 0.45
BOUNTY_QUALITY = 0.8        # referrals thrown over the wall close less often
# Share of a partner's new opportunities claimed as bounty referrals: BASE + NOVELTY x the
# bounty's novelty (calibration row E12: partners learn to wait for the SPIFF).
BOUNTY_CLAIM_BASE = 0.3
BOUNTY_CLAIM_NOVELTY = 0.5
ALIGNED_EFFORT = 0.25
ALIGNED_PER_PARTNER = 4_000.0
BOUNTY_PER_PARTNER = 3_000.0
# Generosity (budget per enrolled partner vs the reference) counts up to this much: money
# beyond it buys nothing more (a judgment; calibration row E11: some of it leaks anyway).
GENEROSITY_MAX = 1.5
# Economic-satisfaction bonus from an aligned incentive (lasting) or a bounty (while novel),
# and the capability an aligned incentive builds a quarter (C17).
ALIGNED_SATISFACTION = 0.12
BOUNTY_SATISFACTION = 0.08
ALIGNED_CAPABILITY = 0.03

# --- Management style -----------------------------------------------------------------
PUSH_BOOST = 0.4
PUSH_FATIGUE = 0.6
# Coercion erodes commitment (calibration row M2): each quarter of being pushed adds to the
# exit hazard, up to PUSH_EXIT_QUARTERS quarters' worth.
PUSH_EXIT = 0.012
PUSH_EXIT_QUARTERS = 4

# --- Forecasting (calibration row K1: channel forecasts miss ~25%, mostly over) ---------
SLIP_BASE = 0.12
SLIP_RHYTHM = 0.55
SLIP_WEEKS = (4, 9)
# An inexperienced partner slips more: SLIP_INEXPERIENCE x (1 - capability).
SLIP_INEXPERIENCE = 0.1
# Reps see much of how their deals go: BASE_RATE x win probability + VISIBILITY x outcome.
DIRECT_FORECAST_BASE_RATE = 0.45
DIRECT_FORECAST_VISIBILITY = 0.55
# A partner's commit: win probability x (OPTIMISM - LEARNING x capability), more under
# revenue targets (C14), at most COMMIT_MAX (calibration row K1: nearly all misses over).
COMMIT_OPTIMISM = 1.55
COMMIT_OPTIMISM_LEARNING = 0.45
REVENUE_TARGET_OPTIMISM = 1.1
COMMIT_MAX = 0.95
# Rhythm-aware forecast: weights of win probability, track record (once a partner has
# TRACK_RECORD_MIN_OPPS opportunities) and the known outcome (calibration row K2).
FORECAST_PWIN_WEIGHT = 0.5
FORECAST_HISTORY_WEIGHT = 0.2
FORECAST_KNOWN_WEIGHT = 0.3
TRACK_RECORD_MIN_OPPS = 3
# Relative forecast errors are clipped so one tiny quarter cannot dominate a mean.
FORECAST_ERROR_MIN = -1.0
FORECAST_ERROR_MAX = 3.0

# --- Collaboration across partner organisations (C19) --------------------------------
# Channel insight raises the offer's fit by up to FIT_GAIN_PER_QUARTER x collaboration a
# quarter, to at most MAX_FIT_GAIN; insight is full once INSIGHT_PRODUCERS partners produce
# at scale 1 (more in a bigger world, with the world's size to the INSIGHT_SCALE_EXPONENT).
# No published figure: chosen so that full collaboration with enough producing partners
# reaches the cap in about five quarters (the issue: it must show within a 12-quarter game).
# Joint solutions lift partner win rates by up to JOINT_SOLUTION_WIN_LIFT x collaboration once
# the integrations are built (calibration row H1: partner involvement +12% win rate); joint
# selling raises an ISV's opportunities by ISV_JOINT_SELLING x collaboration (calibration row
# H3: +26% ISV sales in a platform's ecosystem).
JOINT_SOLUTION_WIN_LIFT = 0.3
ISV_JOINT_SELLING = 0.6
MAX_FIT_GAIN = 0.2
FIT_GAIN_PER_QUARTER = 0.05
INSIGHT_PRODUCERS = 5.0
INSIGHT_SCALE_EXPONENT = 0.5
# ISVs gain most from better fit: integrations (calibration row H3: +26% ISV sales).
ISV_INTEGRATION_WEIGHT = 2.0
# Below this collaboration an ISV's wins are one-off deals: the account goes direct at home
# and drifts off in new markets, with no repeat business for the partner (C19).
ISV_ONE_OFF_COLLABORATION = 0.5

# --- Reputation and the board ---------------------------------------------------------
REPUTATION_START = 0.6
# Reputation drifts back toward its start by this share a quarter (memories fade).
REPUTATION_RECOVERY = 0.05
# A competitor's courting fades by this factor a quarter.
POACH_DECAY = 0.5
# The board judges the trailing BOARD_WINDOW quarters' net contribution (calibration.md
# section 3.11: trailing four quarters; calibration row C7: executives expect direct-sales
# ROI within six months).
BOARD_WINDOW = 4
# A cut program leaves partners unsupported: social satisfaction drops by CUT_SOC_HIT and
# effort to CUT_MINDSHARE_KEEP of what it was (C9).
CUT_SOC_HIT = 0.25
CUT_MINDSHARE_KEEP = 0.5

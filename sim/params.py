"""Calibrated constants, each with the published figure it is set against.

Sources are the rows of `calibration.md` (shared with the project); `docs/model.md`
tabulates target, band and the value this model produces. Money is in US dollars;
one model step is one week and 13 weeks make a quarter.
"""

from __future__ import annotations

import numpy as np

WEEKS_PER_QUARTER = 13

# --- Market ---------------------------------------------------------------------------
# Deal value by segment, list price in USD (I1/I2: median ACV ~25k; enterprise > 100k).
SEGMENT_VALUE = np.array([110_000.0, 40_000.0, 14_000.0])
VALUE_SIGMA = 0.55
# Win rate of a qualified opportunity by segment (I4: enterprise ~15%, mid 15-25%, SMB 25-40%).
SEGMENT_WIN = np.array([0.17, 0.25, 0.33])
# Sales cycle in weeks by segment (I1: median ~84 days; SMB 2-6 weeks; enterprise 6-12 months).
SEGMENT_CYCLE = np.array([22.0, 12.0, 5.0])
# Direct reps' opportunity mix by segment (they work named enterprise and mid-market accounts).
DIRECT_SEGMENT_MIX = np.array([0.3, 0.5, 0.2])
# Opportunities a direct rep opens per week at full demand.
DIRECT_OPP_RATE = 0.72
# New markets: thinner demand and longer cycles until references build awareness (C4).
NEW_MARKET_DEMAND = 0.55
NEW_MARKET_CYCLE = 1.5
REFERENCES_FOR_AWARENESS = 12.0
# Repeat business from a customer account, per week, and its size relative to a new deal.
EXPANSION_RATE = 0.018
EXPANSION_VALUE = 0.45
EXPANSION_WIN = 0.6
EXPANSION_CYCLE = 5.0
# Go-to-market budget per quarter at world scale 1 (the pot the partner share comes out of).
GTM_BUDGET = 1_600_000.0

# --- Partner firms --------------------------------------------------------------------
# Type mix of the addressable pool, base fit of each type with a mid-market software offer
# (C11's fit matrix), selling motion and services attach (E5: partner profit is services).
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
TYPE_INITIAL_CAPABILITY = np.array([0.12, 0.18, 0.15, 0.12, 0.25])
TYPE_ATTENTION_NEED = np.array([1.0, 1.0, 1.0, 1.0, 3.0])
SIZE_ATTENTION = 0.2   # extra attention per unit of size above 1.5
TYPE_SIGN_PROB = np.array([0.75, 0.7, 0.7, 0.7, 0.22])   # L1-L3: GSIs take long to sign
TYPE_ABSORB = np.array([1.0, 1.0, 1.0, 1.0, 0.5])          # a small vendor is a sliver of a GSI
# Spread of individual fit around the type's fit: most firms are a poor fit, a few a great one.
FIT_SIGMA = 0.45
# How well screening sees a prospect's fit before it signs (noise on the observed fit).
FIT_SCREEN_NOISE = 0.15
# Mindshare a fully satisfied partner gives: the share of its business the offer can be (C6).
MINDSHARE_FLOOR = 0.1
GSI = 4
ISV = 3
# A global SI acts only where the vendor already has enterprise customers (L1).
GSI_REFERENCES_NEEDED = 8.0   # enterprise wins made with partners since launch
GSI_DEAL_MULT = 2.5
# Partners sell solutions (more seats and modules bundled with their services) and skip
# deals too small to carry their margin (E3: resale fails below ~$20k).
PARTNER_DEAL_MULT = 1.6
# Partner opportunity rate per week at size 1, full mindshare, fit and capability.
PARTNER_OPP_RATE = 0.45
# Big firms carry many vendors: a small vendor's share of their effort shrinks with size (C10).
SIZE_MINDSHARE_DAMPING = 0.35
# A partner manager's joint planning and lead sharing: share of a partner's selling that
# depends on the attention it gets (C3, C20, CT7).
MANAGER_SELLING_SHARE = 0.5
# Capability below this and the partner cannot run a sales cycle yet.
CAPABILITY_TO_SELL = 0.1
CAPABILITY_ACTIVE = 0.35
# A partner on a deal lifts win rate modestly (H1: +11.7%; CT6 band 1.1-1.5x).
COSELL_LIFT = 0.45
# Partner-sourced deals close a little faster than direct ones (the partner already knows
# the customer); the resale coordination adds a week back (H2, low confidence).
PARTNER_CYCLE = 0.8
# Many partners sign because they have a customer need in hand: chance a new partner
# brings a first opportunity with it, times its fit (C8: first partners often by chance).
LAUNCH_OPPORTUNITY = 0.6
# Vendor marketing leads routed to partners each week, per unit of world scale, shared out
# by last quarter's partner revenue: support flows to those already producing (CT2).
LEADS_PER_WEEK = 0.6
COSELL_PROB = 0.25

# --- Partner team ---------------------------------------------------------------------
# Partners one manager can properly support (J1: 7-10).
MANAGER_SPAN = 10.0
MANAGER_SKILL = {"professional": (0.72, 0.08), "transfer_portal": (0.40, 0.10)}
MANAGER_SALARY = {"professional": 45_000.0, "transfer_portal": 32_000.0}   # per quarter, loaded
# Quarterly departure probability (J5: ~67% of channel managers gone within 3 years).
MANAGER_TURNOVER = {"professional": 0.06, "transfer_portal": 0.20}
COMP_DRIVE = {"individual_high_leverage": 1.1, "team_low_leverage": 0.8}
COMP_TURNOVER_ADD = {"individual_high_leverage": 0.0, "team_low_leverage": 0.03}

# --- Enablement and support -----------------------------------------------------------
# Full enablement programme, in capability units, and the most a partner absorbs per quarter.
CURRICULUM = 1.0
ABSORB_PER_QUARTER = 0.24
PACED_QUARTERS = 4
FRONT_LOADED_SPLIT = (0.7, 0.3)
# Support cost per enrolled partner per quarter for full support (rises with enablement depth).
SUPPORT_COST = 6_000.0

# --- Conflict -------------------------------------------------------------------------
# Chance a direct rep is also working an account a partner brings, by segment (F1, F2).
OVERLAP = np.array([0.70, 0.45, 0.15])
COMP_CONFLICT = {"competing": 0.75, "neutral": 0.22}
# Deal registration: protection honoured (CT8: 30-60% fewer incidents; F5 rated 6/10).
REG_HONOR = {"neutral": 0.78, "competing": 0.55}
REG_RESIDUAL = 0.15
TAKEOVER_HONOR_MULT = 0.3
PUSH_CONFLICT = 1.25
# Who wins an internal fight over a deal (direct has proven, faster revenue).
DIRECT_WINS_CONTEST = {"competing": 0.6, "neutral": 0.3, "takeover": 0.8}
# What one incident costs the partner: frequency matters, not size (Webb & Hogan 2002; CT9).
CONFLICT_SOC_HIT = 0.08
CONFLICT_MINDSHARE_KEEP = 0.8
TAKEOVER_PROB = 0.5
TAKEOVER_DEAL_PROB = 0.3
TAKEOVER_EXPANSION_MULT = 0.7
NEUTRAL_COMP_RATE = 0.08   # extra commission paid to direct reps on partner deals (G1 cost)

# --- Satisfaction, mindshare and churn ------------------------------------------------
INCOME_REF = 30_000.0
MINDSHARE_UP = 0.25        # loyalty recovers slowly (D4 "glacial")
MINDSHARE_DOWN = 0.5
# Quarterly churn hazard c0 * exp(-lambda * S): ~10%/yr at S=0.6, ~25%/yr at S=0.3 (D1, F3).
CHURN_C0 = 0.20
CHURN_LAMBDA = 3.4
# Partners with no profit from the vendor for a year prune it from their line card (D2).
# F3: a third of partners drop a vendor after badly handled conflict: each recent lost
# deal adds to the quarterly exit hazard.
CONFLICT_EXIT = 0.035
ZERO_PROFIT_QUARTERS = 5
ZERO_PROFIT_HAZARD = 0.07

# --- Incentives -----------------------------------------------------------------------
BOUNTY_RATE = 0.15          # E6: referral fee 10-20% of first-year value
BOUNTY_SPIKE = 0.9
BOUNTY_DECAY = 0.45
BOUNTY_QUALITY = 0.8        # referrals thrown over the wall close less often
ALIGNED_EFFORT = 0.25
ALIGNED_PER_PARTNER = 4_000.0
BOUNTY_PER_PARTNER = 3_000.0

# --- Management style -----------------------------------------------------------------
PUSH_BOOST = 0.4
PUSH_FATIGUE = 0.6
# Coercion erodes commitment (M2): each quarter of being pushed adds to the exit hazard.
PUSH_EXIT = 0.012

# --- Forecasting (K1: channel forecasts miss ~25%, mostly over) -----------------------
SLIP_BASE = 0.12
SLIP_RHYTHM = 0.55
SLIP_WEEKS = (4, 9)

# --- Reputation and the board ---------------------------------------------------------
REPUTATION_START = 0.6

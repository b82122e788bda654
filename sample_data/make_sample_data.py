"""Generate LeadScore's bundled sample data: the lead history of a fictional B2B company.

The company is Northpeak Software, a small seller of "Northpeak Desk", a customer-support
helpdesk for small and mid-sized businesses. Its CRM export holds one row per inbound lead with
the website behaviour, the chatbot's qualification answers, the sales follow-up and the outcome.

Every outcome is drawn from a known logistic model (``LOGIT_EFFECTS`` below, written out in
``sample_data/README.md``), including one interaction no single column shows: leads who visited
the pricing page AND came from LinkedIn AND work at a 10-50 employee company convert at about
five times the average. Tests elsewhere check that LeadScore rediscovers these rules.

Run ``python sample_data/make_sample_data.py`` to rewrite ``leads.csv``, ``new_leads.csv`` and
``facts.json`` next to this file; the output is byte-identical on every run (fixed seed, fixed
"today", no dependence on the clock).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261031
HISTORY_ROWS = 5000
NEW_ROWS = 500
# "Today" for the export: the history covers the 12 months before it, new leads the month after.
HISTORY_START = pd.Timestamp("2025-11-01")
HISTORY_END = pd.Timestamp("2026-11-01")  # exclusive: last lead on 2026-10-31
NEW_END = pd.Timestamp("2026-12-01")

COLUMNS = [
    "lead_id",
    "first_engaged_at",
    "first_followup_at",
    "contact_name",
    "email",
    "phone",
    "country",
    "industry",
    "company_size",
    "job_title",
    "source",
    "pages_viewed",
    "visited_pricing_page",
    "time_on_site_minutes",
    "content_downloaded",
    "emails_opened",
    "forms_submitted",
    "number_of_visits",
    "days_since_first_visit",
    "visits_per_week",
    "budget_range",
    "timeline",
    "needs",
    "converted",
    "deal_stage",
    "final_deal_size",
]
POST_OUTCOME_COLUMNS = ["converted", "deal_stage", "final_deal_size"]

# Canonical source -> (share of leads, effect on the log-odds of converting).
SOURCES = {
    "Organic Search": (0.24, 0.0),
    "Paid Ad": (0.18, -0.3),
    "LinkedIn": (0.22, 0.6),
    "Referral": (0.09, 0.9),
    "Social": (0.10, -0.6),
    "Event": (0.07, 0.3),
    "Email Campaign": (0.10, 0.1),
}
# Other spellings of the same source, as hand-typed or imported from different tools.
SOURCE_SPELLINGS = {
    "Organic Search": ["organic search", "Organic search ", "ORGANIC SEARCH", "Organic-Search"],
    "Paid Ad": ["paid ads", "paid-ad", "Paid ad ", "PAID AD", "Paid Ads"],
    "LinkedIn": ["linkedin ", "Linked In", "LINKEDIN", "linkedin", "Linkedin"],
    "Referral": ["referral", "REFERRAL ", "Referrals"],
    "Social": ["social", "SOCIAL", "Social "],
    "Event": ["event", "Events", "EVENT"],
    "Email Campaign": ["email campaign", "E-mail campaign", "email-campaign", "Email campaign "],
}
MESSY_SPELLING_SHARE = 0.12

# Company size band -> (share of leads, share among LinkedIn leads, log-odds effect).
COMPANY_SIZES = {
    "1-10": (0.24, 0.16, -0.5),
    "10-50": (0.31, 0.42, 0.0),
    "51-200": (0.24, 0.22, 0.3),
    "201-1000": (0.14, 0.13, 0.4),
    "1000+": (0.07, 0.07, 0.1),
}
BUDGETS = {  # answer -> (share, log-odds effect); "" = the lead skipped the question
    "< $5k": (0.25, -0.6),
    "$5k-$20k": (0.28, 0.0),
    "$20k-$50k": (0.15, 0.5),
    "$50k+": (0.07, 1.1),
    "": (0.25, -0.3),
}
TIMELINES = {
    "this month": (0.12, 1.2),
    "this quarter": (0.25, 0.4),
    "later": (0.23, 0.0),
    "just researching": (0.30, -0.7),
    "": (0.10, 0.0),
}
# Job titles as typed into the chatbot; True = a decision maker (log-odds +0.4).
JOB_TITLES = {
    "CEO": True, "ceo": True, "Founder": True, "Co-founder": True, "Founder & CEO": True,
    "Owner": True, "Managing Director": True, "Head of Sales": True, "Head of Support": True,
    "VP Marketing": True, "Sales Director": True, "Marketing Manager": False,
    "marketing mgr": False, "Operations Manager": False, "Office Manager": False,
    "Customer Support Lead": False, "IT Manager": False, "Consultant": False,
    "Sales Rep": False, "Intern": False,
}
DECISION_MAKER_SHARE = 0.40
INDUSTRIES = [
    "Retail", "Professional Services", "Healthcare", "Manufacturing", "Education",
    "Hospitality", "Real Estate", "Technology", "Nonprofit", "Construction",
]
COUNTRIES = {  # country -> (share, email top-level domain, phone prefix)
    "United States": (0.45, "com", "+1"),
    "United Kingdom": (0.18, "co.uk", "+44"),
    "Canada": (0.12, "ca", "+1"),
    "Australia": (0.09, "com.au", "+61"),
    "Germany": (0.06, "de", "+49"),
    "Ireland": (0.05, "ie", "+353"),
    "Netherlands": (0.05, "nl", "+31"),
}
NEEDS_PHRASES = [
    "shared inbox for support emails",
    "live chat on our website",
    "ticket tracking",
    "a knowledge base for customers",
    "reporting on response times",
    "integration with Shopify",
    "integration with our CRM",
    "SLA reminders",
    "multi-language support",
    "a cheaper plan for a small team",
]
# Phrases about replacing a current tool: a lead with one converts better (log-odds +0.5).
REPLACEMENT_PHRASES = [
    "replace our current helpdesk",
    "moving off Zendesk",
    "switching from spreadsheets",
]
NEEDS_OPENERS = ["Need ", "Looking for ", "We want ", "", "need ", "Interested in "]

# The logistic model behind `converted`, in log-odds. Sources, sizes, budgets and timelines
# take their effect from the tables above.
INTERCEPT = -5.2
EFFECTS = {
    "visited_pricing_page": 1.0,
    "per_email_opened": 0.12,
    "per_page_viewed": 0.06,
    "per_content_download": 0.25,
    "per_visit_per_week_capped_at_5": 0.2,
    "decision_maker_title": 0.4,
    "needs_mentions_replacing_a_tool": 0.5,
    "first_engaged_in_business_hours": 0.4,
    "followup_within_60_minutes": 0.7,
    "followup_after_24_hours": -0.6,
    "time_on_site_not_tracked": -0.5,
    "pricing_and_linkedin_and_10_50_employees": 2.4,
}
ZERO_EFFECT_COLUMNS = ["country", "industry", "forms_submitted", "number_of_visits",
                       "days_since_first_visit", "time_on_site_minutes"]

FIRST_NAMES = [
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella", "James",
    "Mia", "William", "Amelia", "Lucas", "Harper", "Henry", "Evelyn", "Jack", "Chloe", "Daniel",
    "Grace", "Samuel", "Zoe", "Owen", "Nora", "Leo", "Hannah", "Ethan", "Ella", "Aiden",
    "Priya", "Arjun", "Fatima", "Omar", "Sofia", "Mateo", "Anna", "Lukas", "Sanne", "Niamh",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez",
    "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Walker", "Hall", "Young",
    "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Campbell", "Mitchell",
    "Roberts", "Patel", "Khan", "Murphy", "O'Brien", "Kelly", "Schmidt", "Muller", "de Vries",
    "Jansen", "Nguyen", "Chen",
]
DOMAIN_WORDS_A = ["blue", "north", "bright", "harbor", "maple", "cedar", "summit", "river",
                  "silver", "green", "urban", "coastal", "pioneer", "golden", "iron", "clear"]
DOMAIN_WORDS_B = ["fern", "line", "works", "goods", "labs", "studio", "group", "partners",
                  "supply", "health", "homes", "craft", "foods", "print", "build", "care"]


def _pick(rng: np.random.Generator, table: dict, n: int) -> np.ndarray:
    """Draw ``n`` keys of ``table`` with the shares in each value's first field."""
    keys = list(table)
    shares = np.array([table[k][0] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=shares / shares.sum())]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def canonical_source(value: object) -> str:
    """Map any spelling of a source in the files back to its canonical name.

    Parameters: value, a raw ``source`` cell. Returns the canonical name, or "" for a blank.
    Example: ``canonical_source("Linked In") == "LinkedIn"``.
    """
    key = re.sub(r"[^a-z]", "", str(value).lower()) if isinstance(value, str) else ""
    for name, spellings in SOURCE_SPELLINGS.items():
        for spelling in [name, *spellings]:
            if re.sub(r"[^a-z]", "", spelling.lower()) == key:
                return name
    return ""


def _engagement_times(rng: np.random.Generator, n: int, start: pd.Timestamp,
                      end: pd.Timestamp) -> pd.DatetimeIndex:
    """First-engagement timestamps: more leads on weekdays and in business hours, as in real traffic."""
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    # Traffic grows over the year (the company is growing) and dips at weekends.
    day_weight = np.linspace(0.8, 1.2, len(days)) * np.where(days.day_of_week < 5, 1.0, 0.35)
    day = days[rng.choice(len(days), size=n, p=day_weight / day_weight.sum())]
    hour_weight = np.array([1, 1, 1, 1, 1, 2, 3, 5, 8, 11, 12, 11, 10, 11, 11, 10, 9, 7, 6, 5, 5,
                            4, 3, 2], dtype=float)
    hour = rng.choice(24, size=n, p=hour_weight / hour_weight.sum())
    minute = rng.integers(0, 60, size=n)
    times = day + pd.to_timedelta(hour * 60 + minute, unit="min")
    return pd.DatetimeIndex(np.sort(times.values))


def _contacts(rng: np.random.Generator, n: int, countries: np.ndarray,
              taken: set[str]) -> tuple[list[str], list[str], list[str]]:
    """Fake but realistic contact names, unique work emails and phones (fictional number ranges)."""
    names, emails, phones = [], [], []
    for country in countries:
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        domain = (DOMAIN_WORDS_A[rng.integers(len(DOMAIN_WORDS_A))]
                  + DOMAIN_WORDS_B[rng.integers(len(DOMAIN_WORDS_B))])
        tld, prefix = COUNTRIES[country][1], COUNTRIES[country][2]
        local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
        style = rng.integers(3)
        if style == 1:
            local = f"{first[0]}{re.sub(r'[^a-z]', '', last.lower())}".lower()
        elif style == 2:
            local = first.lower()
        email, k = f"{local}@{domain}.{tld}", 2
        while email in taken:  # same person-like address at the same made-up company
            email, k = f"{local}{k}@{domain}.{tld}", k + 1
        taken.add(email)
        names.append(f"{first} {last}")
        emails.append(email)
        # 555-01xx (North America) and 7946 0xxx (UK) are reserved for fiction.
        if prefix == "+1":
            phone = f"+1 ({rng.integers(200, 990)}) 555-01{rng.integers(0, 100):02d}"
        elif prefix == "+44":
            phone = f"+44 20 7946 0{rng.integers(0, 1000):03d}"
        else:
            phone = f"{prefix} {rng.integers(10, 99)} {rng.integers(100, 999)} {rng.integers(1000, 9999)}"
        phones.append(phone if rng.random() < 0.7 else "")
    return names, emails, phones


def _needs(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    """Short free-text needs from templated phrases; returns the texts and the 'replace a tool' flag."""
    texts, replacing = [], np.zeros(n, dtype=bool)
    for i in range(n):
        if rng.random() < 0.18:
            texts.append("")
            continue
        count = rng.integers(1, 4)
        phrases = list(rng.choice(NEEDS_PHRASES, size=count, replace=False))
        if rng.random() < 0.22:
            replacing[i] = True
            phrases.insert(rng.integers(0, len(phrases) + 1),
                           REPLACEMENT_PHRASES[rng.integers(len(REPLACEMENT_PHRASES))])
        joiner = [", ", " and ", "; ", " + "][rng.integers(4)]
        text = NEEDS_OPENERS[rng.integers(len(NEEDS_OPENERS))] + joiner.join(phrases)
        texts.append(text if rng.random() < 0.7 else text + ".")
    return texts, replacing


def _money(amount: float) -> str:
    return f"${amount:,.0f}"


def generate_leads(rng: np.random.Generator, n: int, start: pd.Timestamp, end: pd.Timestamp,
                   first_number: int, taken_emails: set[str], history: bool) -> tuple[pd.DataFrame, dict]:
    """Generate ``n`` leads first engaged between ``start`` and ``end``.

    Parameters: rng, the shared generator; n, rows; start/end, the engagement window;
    first_number, the number in the first ``lead_id``; taken_emails, addresses already used
    (kept unique across files); history, True for the labelled history (adds ``converted``,
    ``deal_stage``, ``final_deal_size``), False for new leads to score.
    Returns the export-ordered DataFrame of strings and numbers, and a dict of hidden truths
    (``probability``, ``probability_without_interaction``, ``segment``) used for the facts.
    """
    engaged = _engagement_times(rng, n, start, end)
    countries = _pick(rng, COUNTRIES, n)
    names, emails, phones = _contacts(rng, n, countries, taken_emails)

    source = _pick(rng, SOURCES, n)
    is_linkedin = source == "LinkedIn"
    # LinkedIn reaches more 10-50 employee companies than other channels.
    size = np.where(is_linkedin,
                    _pick(rng, {k: (v[1],) for k, v in COMPANY_SIZES.items()}, n),
                    _pick(rng, COMPANY_SIZES, n))
    industry = np.array(INDUSTRIES, dtype=object)[rng.integers(len(INDUSTRIES), size=n)]
    decision_titles = [t for t, d in JOB_TITLES.items() if d]
    other_titles = [t for t, d in JOB_TITLES.items() if not d]
    decision_maker = rng.random(n) < DECISION_MAKER_SHARE
    title = np.where(decision_maker,
                     np.array(decision_titles, dtype=object)[rng.integers(len(decision_titles), size=n)],
                     np.array(other_titles, dtype=object)[rng.integers(len(other_titles), size=n)])

    pages = 1 + rng.poisson(rng.gamma(3.0, 2.0, size=n))
    pricing = rng.random(n) < _sigmoid(-1.0 + 0.12 * pages)
    tracked = rng.random(n) >= 0.10  # about 1 in 10 visitors declines analytics cookies
    time_on_site = np.round(pages * rng.lognormal(np.log(1.3), 0.45, size=n), 1)
    downloads = rng.choice(4, size=n, p=[0.55, 0.28, 0.12, 0.05])
    emails_opened = rng.poisson(rng.gamma(2.0, 1.6, size=n))
    forms = 1 + rng.poisson(0.4, size=n)
    days_since_first = np.minimum(rng.geometric(1 / 14, size=n) - 1, 180)
    visits = 1 + rng.poisson(1 + days_since_first / 7 * rng.gamma(2.0, 0.5, size=n))
    visits_per_week = np.round(visits / np.maximum(days_since_first / 7, 1.0), 2)

    budget = _pick(rng, BUDGETS, n)
    timeline = _pick(rng, TIMELINES, n)
    needs, replacing = _needs(rng, n)

    # Minutes to first follow-up: a third within the hour, most the same day, a quarter later.
    speed = rng.choice(3, size=n, p=[0.30, 0.45, 0.25])
    minutes = np.where(speed == 0, rng.uniform(3, 60, size=n),
                       np.where(speed == 1, np.exp(rng.uniform(np.log(61), np.log(1440), size=n)),
                                np.exp(rng.uniform(np.log(1441), np.log(6 * 1440), size=n))))
    followup = engaged + pd.to_timedelta(np.round(minutes), unit="min")
    business_hours = (engaged.day_of_week < 5) & (engaged.hour >= 9) & (engaged.hour < 18)

    segment = pricing & is_linkedin & (size == "10-50")
    main_logit = (
        INTERCEPT
        + np.array([SOURCES[s][1] for s in source])
        + np.array([COMPANY_SIZES[s][2] for s in size])
        + np.array([BUDGETS[b][1] for b in budget])
        + np.array([TIMELINES[t][1] for t in timeline])
        + EFFECTS["visited_pricing_page"] * pricing
        + EFFECTS["per_email_opened"] * emails_opened
        + EFFECTS["per_page_viewed"] * pages
        + EFFECTS["per_content_download"] * downloads
        + EFFECTS["per_visit_per_week_capped_at_5"] * np.minimum(visits_per_week, 5.0)
        + EFFECTS["decision_maker_title"] * decision_maker
        + EFFECTS["needs_mentions_replacing_a_tool"] * replacing
        + EFFECTS["first_engaged_in_business_hours"] * business_hours
        + EFFECTS["followup_within_60_minutes"] * (minutes <= 60)
        + EFFECTS["followup_after_24_hours"] * (minutes > 1440)
        + EFFECTS["time_on_site_not_tracked"] * ~tracked
    )
    logit = main_logit + EFFECTS["pricing_and_linkedin_and_10_50_employees"] * segment
    probability = _sigmoid(logit)
    converted = rng.random(n) < probability

    # Most leads use the canonical spelling; a minority was typed or imported differently.
    messy = rng.random(n) < MESSY_SPELLING_SHARE
    raw_source = np.array([
        SOURCE_SPELLINGS[s][rng.integers(len(SOURCE_SPELLINGS[s]))] if m else s
        for s, m in zip(source, messy)
    ], dtype=object)

    # Gaps: time on site needs the analytics cookie (informative); the others are export glitches.
    pages_col = pd.array(pages, dtype="Int64")
    pages_col[rng.random(n) < 0.03] = pd.NA
    emails_col = pd.array(emails_opened, dtype="Int64")
    emails_col[rng.random(n) < 0.02] = pd.NA
    industry = np.where(rng.random(n) < 0.04, "", industry)

    frame = pd.DataFrame({
        "lead_id": [f"L-{first_number + i:06d}" for i in range(n)],
        "first_engaged_at": engaged.strftime("%Y-%m-%d %H:%M"),
        "first_followup_at": followup.strftime("%Y-%m-%d %H:%M"),
        "contact_name": names,
        "email": emails,
        "phone": phones,
        "country": countries,
        "industry": industry,
        "company_size": size,
        "job_title": title,
        "source": raw_source,
        "pages_viewed": pages_col,
        "visited_pricing_page": np.where(pricing, "yes", "no"),
        "time_on_site_minutes": np.where(tracked, time_on_site, np.nan),
        "content_downloaded": downloads,
        "emails_opened": emails_col,
        "forms_submitted": forms,
        "number_of_visits": visits,
        "days_since_first_visit": days_since_first,
        "visits_per_week": visits_per_week,
        "budget_range": budget,
        "timeline": timeline,
        "needs": needs,
    })
    truth = {"probability": probability, "probability_without_interaction": _sigmoid(main_logit),
             "segment": segment, "converted_hidden": converted}
    if not history:
        return frame, truth

    # Still-open leads are mostly the newest: the sales team has not closed them yet.
    age_days = (end - engaged).days.to_numpy()
    open_share = np.where(age_days < 30, 0.45, np.where(age_days < 60, 0.10, 0.01))
    still_open = rng.random(n) < open_share
    frame["converted"] = np.where(still_open, "", np.where(converted, "yes", "no"))

    won_stage = np.where(rng.random(n) < 0.9, "Closed Won", "Onboarding")
    lost_stage = np.array(["Closed Lost", "Disqualified", "No Response", "Nurturing"], dtype=object)[
        rng.choice(4, size=n, p=[0.55, 0.15, 0.25, 0.05])]
    open_stage = np.array(["Negotiation", "Nurturing", "Demo Scheduled", "Proposal Sent"], dtype=object)[
        rng.choice(4, size=n, p=[0.2, 0.4, 0.25, 0.15])]
    frame["deal_stage"] = np.where(still_open, open_stage, np.where(converted, won_stage, lost_stage))

    base_deal = {"1-10": 3000, "10-50": 8000, "51-200": 18000, "201-1000": 35000, "1000+": 60000}
    deal = np.round(np.array([base_deal[s] for s in size]) * rng.lognormal(0, 0.4, size=n), -2)
    # Won deals nearly always carry an amount; a few lost or open ones keep a quoted amount.
    has_amount = np.where(still_open, rng.random(n) < 0.10,
                          np.where(converted, rng.random(n) < 0.97, rng.random(n) < 0.005))
    frame["final_deal_size"] = [_money(a) if h else "" for a, h in zip(deal, has_amount)]
    return frame, truth


def _segment_mask(frame: pd.DataFrame) -> pd.Series:
    """Rows in the interaction segment, read back from the file's own columns."""
    return ((frame["visited_pricing_page"] == "yes")
            & (frame["source"].map(canonical_source) == "LinkedIn")
            & (frame["company_size"] == "10-50"))


def _realized_rates(known: pd.DataFrame) -> dict:
    """Conversion rate (and rows) per value of the main drivers, among leads with a known outcome."""
    engaged = pd.to_datetime(known["first_engaged_at"])
    minutes = (pd.to_datetime(known["first_followup_at"]) - engaged).dt.total_seconds() / 60
    groups = {
        "visited_pricing_page": known["visited_pricing_page"],
        "source": known["source"].map(canonical_source),
        "company_size": known["company_size"],
        "budget_range": known["budget_range"].replace("", "(blank)"),
        "timeline": known["timeline"].replace("", "(blank)"),
        "minutes_to_first_followup": pd.Series(
            np.select([minutes <= 60, minutes <= 1440], ["within 60", "61 to 1440"], "over 1440"),
            index=known.index),
        "first_engaged_in_business_hours": pd.Series(
            np.where((engaged.dt.day_of_week < 5) & (engaged.dt.hour >= 9) & (engaged.dt.hour < 18),
                     "yes", "no"), index=known.index),
        "time_on_site_minutes_blank": pd.Series(
            np.where(known["time_on_site_minutes"].isna(), "yes", "no"), index=known.index),
    }
    converted = known["converted"] == "yes"
    return {
        column: {str(value): {"rows": int(mask.sum()), "rate": round(float(converted[mask].mean()), 4)}
                 for value, mask in ((v, values == v) for v in sorted(values.unique()))}
        for column, values in groups.items()
    }


def compute_facts(leads: pd.DataFrame, new_leads: pd.DataFrame, truth: dict) -> dict:
    """Realized counts quoted in README.md and checked by tests/test_sample_data.py.

    Parameters: leads/new_leads as written; truth, the hidden probabilities of the history.
    Returns a JSON-ready dict.
    """
    outcome = leads["converted"]
    known = outcome != ""
    converted = int((outcome == "yes").sum())
    not_converted = int((outcome == "no").sum())
    rate = converted / (converted + not_converted)
    segment = _segment_mask(leads)
    segment_known = segment & known
    segment_converted = int((segment_known & (outcome == "yes")).sum())
    segment_rate = segment_converted / int(segment_known.sum())
    linkedin_spellings = sorted(set(leads.loc[leads["source"].map(canonical_source) == "LinkedIn",
                                              "source"]))
    return {
        "rows": len(leads),
        "converted": converted,
        "not_converted": not_converted,
        "still_open": int((~known).sum()),
        "conversion_rate_known": round(rate, 4),
        "segment_rows": int(segment.sum()),
        "segment_rows_known": int(segment_known.sum()),
        "segment_converted": segment_converted,
        "segment_conversion_rate": round(segment_rate, 4),
        "segment_rate_vs_overall": round(segment_rate / rate, 2),
        "segment_rate_from_main_effects_only": round(
            float(truth["probability_without_interaction"][truth["segment"]].mean()), 4),
        "deal_stage_closed_won_share_of_converted": round(
            float((leads.loc[outcome == "yes", "deal_stage"] == "Closed Won").mean()), 4),
        "final_deal_size_filled_converted": int((leads.loc[outcome == "yes", "final_deal_size"] != "").sum()),
        "final_deal_size_filled_not_converted": int((leads.loc[outcome == "no", "final_deal_size"] != "").sum()),
        "linkedin_spellings": linkedin_spellings,
        "messy_source_rows": int((~leads["source"].isin(list(SOURCES))).sum()),
        "time_on_site_blank": int(leads["time_on_site_minutes"].isna().sum()),
        "conversion_rate_by": _realized_rates(leads[known]),
        "new_leads_rows": len(new_leads),
        "first_engaged_from": leads["first_engaged_at"].min(),
        "first_engaged_to": leads["first_engaged_at"].max(),
        "new_leads_from": new_leads["first_engaged_at"].min(),
        "new_leads_to": new_leads["first_engaged_at"].max(),
    }


def make_sample_data(out_dir: Path) -> dict:
    """Write ``leads.csv``, ``new_leads.csv`` and ``facts.json`` into ``out_dir``.

    Parameters: out_dir, the folder to write into (created if needed).
    Returns the facts dict also saved as ``facts.json``.
    Example: ``make_sample_data(Path("sample_data"))``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    emails: set[str] = set()
    leads, truth = generate_leads(rng, HISTORY_ROWS, HISTORY_START, HISTORY_END, 1, emails, True)
    new_leads, _ = generate_leads(rng, NEW_ROWS, HISTORY_END, NEW_END, HISTORY_ROWS + 1, emails, False)
    leads.to_csv(out_dir / "leads.csv", index=False, lineterminator="\n", encoding="utf-8")
    new_leads.to_csv(out_dir / "new_leads.csv", index=False, lineterminator="\n", encoding="utf-8")
    facts = compute_facts(leads, new_leads, truth)
    (out_dir / "facts.json").write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return facts


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python sample_data/make_sample_data.py [--out FOLDER]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder to write into (default: next to this script)")
    args = parser.parse_args(argv)
    facts = make_sample_data(args.out)
    print(json.dumps(facts, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The shipped public data set: the bank's file byte for byte, readable, with its attribution."""

from __future__ import annotations

import hashlib

from leadscore.io.read import read_leads
from leadscore.io.samples import BANK_MARKETING, BANK_MARKETING_NAME, bank_marketing_csv

# SHA-256 of bank-additional-full.csv in UCI's bank+marketing.zip, as published.
PUBLISHED_SHA256 = "74adfc578bf77a7ff4bb1ba4a9f8709d9e3c6907342959c2c8416847e0afb4d8"


def test_the_bank_file_is_shipped_compressed_and_comes_back_as_published():
    compressed = BANK_MARKETING.read_bytes()
    assert compressed[:2] == b"\x1f\x8b"  # gzip, so a clone stays small (about 350 KB)
    assert len(compressed) < 500_000
    data = bank_marketing_csv()
    assert hashlib.sha256(data).hexdigest() == PUBLISHED_SHA256
    assert data.startswith(b'"age";"job";"marital";')


def test_the_bank_file_reads_as_41188_calls_with_4640_subscriptions():
    leads = read_leads(bank_marketing_csv(), filename=BANK_MARKETING_NAME)
    assert leads.shape == (41_188, 21)
    assert (leads["y"] == "yes").sum() == 4_640


def test_the_attribution_travels_with_the_data():
    folder = BANK_MARKETING.parent
    attribution = (folder / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in attribution
    assert "Moro, Cortez and Rita (2014)" in attribution
    assert PUBLISHED_SHA256 in attribution
    assert "duration" in (folder / "bank-additional-names.txt").read_text(encoding="utf-8-sig")

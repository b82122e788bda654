"""The public data set shipped with LeadScore: a real bank's telemarketing history, 41,188 calls.

UCI Bank Marketing (``bank-additional-full.csv``, CC BY 4.0, Moro, Cortez and Rita 2014) lives in
``sample_data/bank-marketing/``, gzip-compressed, with its attribution beside it. It is the second
sample of the app and the real-size data of the tests and benchmarks. :func:`read_leads` reads
plain files only, so :func:`bank_marketing_csv` hands it the decompressed bytes.

Example
-------
>>> from leadscore.io.read import read_leads
>>> leads = read_leads(bank_marketing_csv(), filename=BANK_MARKETING_NAME)
>>> leads.shape
(41188, 21)
"""

from __future__ import annotations

import gzip
from pathlib import Path

__all__ = ["BANK_MARKETING", "BANK_MARKETING_NAME", "bank_marketing_csv", "SAMPLE_LEADS", "SAMPLE_NEW_LEADS", "SAMPLE_NAME", "BANK_SAMPLE_NAME"]

REPO = Path(__file__).resolve().parents[2]

#: The compressed file in the repository.
BANK_MARKETING = REPO / "sample_data" / "bank-marketing" / "bank-additional-full.csv.gz"

#: The file's name as the bank published it (and as a user would upload it).
BANK_MARKETING_NAME = "bank-additional-full.csv"

#: The fictional software company's lead history (the app opens on it) and its new leads to score.
SAMPLE_LEADS = REPO / "sample_data" / "leads.csv"
SAMPLE_NEW_LEADS = REPO / "sample_data" / "new_leads.csv"
#: How the two samples are named as projects.
SAMPLE_NAME = "Sample leads"
BANK_SAMPLE_NAME = "Bank telemarketing (sample)"


def bank_marketing_csv() -> bytes:
    """The bank's 41,188 calls as CSV bytes (``;``-separated, outcome ``y`` yes/no, 4,640 yes).

    Returns
    -------
    bytes
        The published ``bank-additional-full.csv``, byte for byte (5.8 MB).
    """
    return gzip.decompress(BANK_MARKETING.read_bytes())

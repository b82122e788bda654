"""Reading lead exports and writing files whole: any encoding, delimiter or workbook in; temporary file then rename out.

One idea per module: ``read`` (the entry points, :func:`read_leads` and :func:`list_sheets`), ``formats``
(bytes in, and what is not a table), ``decoding`` (encodings), ``delimited`` (separators and csv rows),
``text_table`` (a CSV file into a table), ``workbook`` (Excel), ``header`` (column names), ``cells``
(blank cells and rows), ``messy_numbers`` and ``dates`` (values as exports write them), ``notes`` and
``wording`` (what reading noticed, in the user's words), ``chunks`` (large files a chunk at a time),
``atomic`` (files written whole) and ``samples``.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> module of this package that defines it
_EXPORTS = {
    "read_leads": "read",
    "list_sheets": "read",
    "to_number": "messy_numbers",
    "to_datetime_if_dates": "dates",
    "read_date_column": "dates",
    "detect_encoding": "decoding",
    "detect_delimiter": "delimited",
    "check_text_table": "text_table",
    "MAX_UPLOAD_BYTES": "formats",
    "atomic_output": "atomic",
    "check_output_path": "atomic",
    "bank_marketing_csv": "samples",
    "iter_lead_chunks": "chunks",
    "parse_lead": "lead_json",
    "LeadLimits": "lead_json",
    "detect_json_encoding": "lead_json",
    "lead_lines": "lead_json",
    "fault_of": "faults",
    "fault_advice": "faults",
    "private_folder": "faults",
    "private_file": "faults",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

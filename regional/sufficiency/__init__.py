"""Sufficiency plan: demand for placements by type to a horizon, local supply, the gap,
scenarios and costs, per council and summed per group.

Pure functions over the :class:`regional.store.Store`'s frames; no Streamlit. Each module
is one concern (``demand``, ``backtest``, ``supply``, ``gap``, ``scenarios``, ``costs``);
``plan`` puts them together for the page and the CLI.
"""
from __future__ import annotations

#: Placement types, in the planners' words. DfE's published placement types split fostering
#: only into the council's own mainstream places filled (Ofsted via LAIT) and the rest, so
#: independent-agency and kinship fostering are one type here.
TYPES = {
    "fostering_inhouse": "In-house fostering (mainstream)",
    "fostering_ifa_kinship": "Agency and kinship fostering",
    "childrens_homes": "Children's homes (incl. secure)",
    "supported": "Supported accommodation / independent living",
    "parents": "Placed with parents",
    "other": "Other (other residential, adoption, other)",
}
#: The types DfE's LAIT publishes as % of children in care at 31 March (2020 on).
BASE_TYPES = ["fostering", "childrens_homes", "supported", "parents", "other"]
BASE_LABELS = {"fostering": "Fostering (all)", **{k: TYPES[k] for k in BASE_TYPES[1:]}}
TYPE_LABELS = {**TYPES, "fostering": "Fostering (all)", "total": "All children in care"}
DEFAULT_HORIZON = 2028

__all__ = ["TYPES", "BASE_TYPES", "BASE_LABELS", "TYPE_LABELS", "DEFAULT_HORIZON"]

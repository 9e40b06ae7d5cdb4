"""DfE's derived SSDA903 fields for validated episodes: distance, band, placement council.

PL_DISTANCE, its precision and band, PL_LA (with inside/outside the responsible council)
and the placement category come from ``regional.distance`` and the spec's code lists.
As DfE derives them:
- short breaks (legal status V3/V4) get no distance, band or placement council (rules
  398, 420): they are respite, not placements, and are flagged ``short_break`` so counts
  leave them out;
- UASC children (the UASC table, the XML header or a UASC column) get no distance
  (rule 406); their placement council is kept.
The rules run on the fields as derived *before* that blanking, as DfE's rules read a
return that still carries them (``rule_frame``).
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from regional import distance
from regional.importers.ssda903_spec import placement_categories, short_break_statuses, year_label

#: Columns stored per episode (both the embedded and the uploaded table).
STORED_COLUMNS = ["area_code", "child", "decom", "dec", "rne", "ls", "cin", "place", "place_provider", "rec",
                  "reason_place_change", "urn", "uasc", "birth_month", "short_break", "collection_year", "home_outcode",
                  "home_sector", "pl_outcode", "pl_sector", "home_lat", "home_lon", "pl_lat", "pl_lon", "pl_distance",
                  "distance_precision", "pl_la", "pl_la_name", "pl_la_method", "inside_la", "distance_band",
                  "placement_category", "placement_detail", "foster_type", "provider_type", "dataset",
                  "extract_date", "synthetic"]
#: The file's row number: in memory only, for the validation report and the preview; never stored
#: (with the council's file it would undo the pseudonyms).
ROW_COLUMN = "source_row"


def derive_placements(valid: pd.DataFrame, *, dataset: str, synthetic: bool, extract_date: date,
                      index: distance.PostcodeIndex | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(episodes to store, rule frame): DfE's distance fields and the placement category for validated rows."""
    d = distance.postcode_distances(valid["HOME_POST"], valid["PL_POST"], index=index,
                                    area_code=valid["_la"].to_numpy(dtype=object))
    d.index = valid.index
    cats = placement_categories(valid["PLACE"], valid["PLACE_PROVIDER"])
    text = lambda column: d[column].to_numpy(dtype=object)  # noqa: E731  (categorical -> plain text)
    rule_frame = valid.assign(pl_distance=d["pl_distance"], pl_la=text("pl_la_code"), home_problem=text("home_problem"),
                              pl_problem=text("pl_problem"), uasc=valid["_uasc"].astype(bool))
    short = valid["LS"].isin(short_break_statuses()).to_numpy()
    uasc = valid["_uasc"].astype(bool).to_numpy()
    miles = d["pl_distance"].to_numpy(dtype=float).copy()
    miles[short | uasc] = np.nan
    precision = np.where(np.isnan(miles), "not known", d["distance_precision"].to_numpy(dtype=object))
    pl_la = np.where(short, "", d["pl_la_code"].to_numpy(dtype=object))
    inside = np.where(short, None, d["inside_la"].to_numpy(dtype=object))
    blank_if_short = lambda column: np.where(short, "", d[column].to_numpy(dtype=object))  # noqa: E731
    out = pd.DataFrame({
        "area_code": valid["_la"], "child": valid["CHILD"],
        "decom": valid["_decom"].dt.date, "dec": valid["_dec"].dt.date.where(valid["_dec"].notna(), None),
        "rne": valid["RNE"], "ls": valid["LS"], "cin": valid["CIN"], "place": valid["PLACE"],
        "place_provider": valid["PLACE_PROVIDER"], "rec": valid["REC"],
        "reason_place_change": valid["REASON_PLACE_CHANGE"], "urn": valid["URN"], "uasc": uasc,
        "birth_month": valid["_birth_month"] if "_birth_month" in valid else None, "short_break": short,
        "collection_year": valid["_cy"].astype(float).map(year_label),
        "home_outcode": text("home_outcode"), "home_sector": text("home_sector"),
        "pl_outcode": text("pl_outcode"), "pl_sector": text("pl_sector"),
        "home_lat": d["home_map_lat"], "home_lon": d["home_map_lon"],
        "pl_lat": d["pl_map_lat"], "pl_lon": d["pl_map_lon"],
        "pl_distance": miles, "distance_precision": precision,
        "pl_la": pl_la, "pl_la_name": blank_if_short("pl_la_name"), "pl_la_method": blank_if_short("pl_la_method"),
        "inside_la": inside, "distance_band": distance.distance_band(miles).astype(object),
        "placement_category": cats["placement_category"], "placement_detail": cats["placement_detail"],
        "foster_type": cats["foster_type"], "provider_type": cats["provider_type"],
        "dataset": dataset, "extract_date": extract_date, "synthetic": synthetic,
        "source_row": valid["_row"] if "_row" in valid else valid.index + 2,
    }, index=valid.index)
    return out[STORED_COLUMNS + [ROW_COLUMN]], rule_frame

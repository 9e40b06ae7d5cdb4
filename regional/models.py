"""Database tables. One typed class per table; codes are ONS codes throughout.

Import this module once; SQLModel's metadata is global (see DESIGN.md).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

#: Observation statuses. A figure with any status but ok/provisional is kept as a row with no value;
#: DfE's markers stay apart (see regional.observations.CODE_STATUSES).
STATUSES = ("ok", "provisional", "suppressed", "rounds_to_zero", "low_reliability", "not_available",
            "not_applicable", "missing")


class Area(SQLModel, table=True):
    """A council, a region or England: anything an observation can be about."""

    code: str = Field(primary_key=True, max_length=12)  # ONS code, e.g. E06000058
    name: str
    level: str = Field(index=True)  # "la", "region", "subregion", "england"
    old_la_code: Optional[int] = Field(default=None, index=True)  # DfE number, e.g. 839
    region_code: Optional[str] = Field(default=None, max_length=12)
    active: bool = True  # false for councils abolished before the latest DfE statistical neighbour model


class Grouping(SQLModel, table=True):
    """A named set of councils: a region, a Regional Care Cooperative."""

    id: str = Field(primary_key=True)
    name: str
    kind: str  # "region" or "rcc"
    description: str = ""


class GroupMember(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("grouping_id", "area_code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    grouping_id: str = Field(foreign_key="grouping.id", index=True)
    area_code: str = Field(foreign_key="area.code")


class StatisticalNeighbour(SQLModel, table=True):
    """One of a council's 10 nearest neighbours in a DfE model (2025 or 2021)."""

    __table_args__ = (UniqueConstraint("model", "area_code", "rank"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    model: str = Field(index=True)  # "2025" or "2021"
    area_code: str = Field(foreign_key="area.code", index=True)
    neighbour_code: str = Field(foreign_key="area.code")
    rank: int
    closeness: str = ""


class Source(SQLModel, table=True):
    """Where figures came from: a published file or a council's document/return."""

    id: str = Field(primary_key=True)
    kind: str  # "dfe", "lait", "ofsted", "ons", "council", "synthetic"
    publisher: str
    title: str
    edition: str = ""
    url: str = ""
    licence: str = ""
    published: Optional[date] = None
    loaded_at: Optional[datetime] = None
    loaded_by: str = ""
    origin: str = "default"  # "default" (rebuilt from data/ on every default load) or "upload" (kept across reloads)


class Indicator(SQLModel, table=True):
    id: str = Field(primary_key=True)
    label: str
    unit: str  # count, rate_per_10k, percent, ratio, currency_gbp
    polarity: str  # high_good, low_good, neutral
    topic: str
    description: str = ""
    lait_measure: str = ""
    dfe_population_type: str = ""


class Observation(SQLModel, table=True):
    """One figure: council x indicator x period x source (x breakdown).

    ``value`` is None whenever ``status`` is suppressed or missing; ``raw`` keeps the
    publisher's own code (``c``, ``z``, ``-``) so nothing is lost.
    """

    __table_args__ = (
        UniqueConstraint("area_code", "indicator_id", "period", "source_id", "breakdown", "section"),
        Index("ix_observation_indicator_period", "indicator_id", "period"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    indicator_id: str = Field(foreign_key="indicator.id")
    period: date  # end of the period: 31 March for DfE's "at 31 March" and financial years
    period_label: str  # as the source writes it: "2025", "2024-25", "2026-03"
    value: Optional[float] = None
    status: str = "ok"
    source_id: str = Field(foreign_key="source.id", index=True)
    breakdown: str = ""  # "" for the figure itself; "sn_average", "target", "forecast" when a document quotes those
    section: str = ""  # where in the source document the figure is
    note: str = ""
    raw: str = ""
    version_id: Optional[int] = Field(default=None, index=True)  # the upload version that stored it; None = default


class LoadRecord(SQLModel, table=True):
    """What was loaded, when and by whom: the Data page's catalogue reads this."""

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str  # "default", "council_return", ...
    detail: str
    fingerprint: str = ""
    rows: int = 0
    loaded_at: datetime
    loaded_by: str = ""


class FosteringPipeline(SQLModel, table=True):
    """One council's fostering recruitment counts for one month or quarter and household type.

    Wide, as councils fill in the template (data/templates/fostering_pipeline.md). A blank
    count is "not reported" (None), never 0: kinship rows usually skip the enquiry stages.
    """

    __tablename__ = "fostering_pipeline"
    __table_args__ = (UniqueConstraint("area_code", "period", "household_type", "source_id",
                                       name="uq_fostering_pipeline_row"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    period: date  # last day of the month or quarter
    period_start: date
    period_label: str  # as written: "2025-Q3", "2026-01"
    period_kind: str  # "month" or "quarter"
    household_type: str = "all"  # "mainstream", "kinship" or "all"
    enquiries: Optional[int] = None
    initial_visits: Optional[int] = None
    applications: Optional[int] = None
    assessments_started: Optional[int] = None
    approvals: Optional[int] = None
    deregistrations: Optional[int] = None
    deregistration_reasons: str = ""  # "retirement: 2; change in circumstances: 1"
    transfers_in: Optional[int] = None
    transfers_out: Optional[int] = None
    source_id: str = Field(foreign_key="source.id", index=True)
    note: str = ""
    version_id: Optional[int] = Field(default=None, index=True)


class OfstedProvider(SQLModel, table=True):
    """A residential setting on Ofsted's register (children's homes, family centres) on one date.

    ``places`` is None when Ofsted gives none; ``grade`` is the latest full inspection's
    overall judgement, or "Not yet inspected".
    """

    __tablename__ = "ofsted_provider"
    __table_args__ = (UniqueConstraint("snapshot", "urn", name="uq_ofsted_provider_snapshot_urn"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    snapshot: date  # the register's date, 31 March 2023
    urn: str = Field(index=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    ofsted_la_name: str = ""  # as Ofsted writes it: "Bournemouth, Christchurch & Poole"
    setting: str  # "Children's home", "Children's home (short breaks only)", "Secure children's home", ...
    sector: str  # "Local authority", "Private", "Voluntary", "Health authority", "Academy"
    places: Optional[int] = None
    registration_date: Optional[date] = None
    grade: str = ""
    grade_date: Optional[date] = None
    source_id: str = Field(foreign_key="source.id")


class OfstedRegisterChange(SQLModel, table=True):
    """A residential provider that joined and/or left Ofsted's register in the year to ``year_end``."""

    __tablename__ = "ofsted_register_change"
    id: Optional[int] = Field(default=None, primary_key=True)
    year_end: date = Field(index=True)  # 31 March closing the year
    urn: str
    area_code: str = Field(foreign_key="area.code", index=True)
    ofsted_la_name: str = ""
    setting: str
    sector: str
    places: Optional[int] = None
    joined: bool = False
    left: bool = False
    source_id: str = Field(foreign_key="source.id")


class LocalProvision(SQLModel, table=True):
    """One line of a council's local-market return: beds in its area and who fills them.

    A blank figure is "not given" (None), never 0. ``setting_name`` is blank when the
    line covers every local setting of the type (the councils' published figures are totals).
    """

    __tablename__ = "local_provision"
    __table_args__ = (UniqueConstraint("area_code", "period", "setting_type", "setting_name", "source_id",
                                       name="uq_local_provision_line"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    period: date
    period_label: str
    setting_type: str  # childrens_home, supported_accommodation, parent_and_child, short_breaks
    setting_name: str = ""
    urn: str = ""
    beds: Optional[int] = None
    occupied_own: Optional[int] = None
    occupied_other: Optional[int] = None
    vacant: Optional[int] = None
    own_use_pct: Optional[float] = None  # share of beds used by the council's own children, as published
    grade: str = ""
    section: str = ""
    note: str = ""
    source_id: str = Field(foreign_key="source.id", index=True)
    version_id: Optional[int] = Field(default=None, index=True)


# --- Placement distance: SSDA903 episodes (issue 6) ---------------------------------------
class PlacementEpisodeFields(SQLModel):
    """One SSDA903 episode after privacy on load: CHILD pseudonymised, postcodes reduced to
    outcode/sector and an outcode-centroid map point, date of birth reduced to its month, DfE's
    derived distance fields kept."""

    area_code: str = Field(index=True, max_length=12)  # responsible council (ONS code)
    child: str = Field(index=True)  # keyed hash of council and CHILD (synthetic ids as they are)
    decom: date
    dec: Optional[date] = None
    rne: str = ""
    ls: str = ""
    cin: str = ""
    place: str = ""
    place_provider: str = ""
    rec: str = ""
    reason_place_change: str = ""
    urn: str = ""
    uasc: bool = False
    # month of birth only: the first day of the month (2012-07-01), never the day (see regional/privacy.py);
    # the age bands of the sufficiency plan's transition rates read it; none when the return had no header/DOB
    birth_month: Optional[date] = None
    short_break: bool = False  # legal status V3/V4: respite, left out of distance and counts as DfE does
    collection_year: str = ""  # "2025-26": the return the episode was last reported in
    home_outcode: str = ""
    home_sector: str = ""
    pl_outcode: str = ""
    pl_sector: str = ""
    home_lat: Optional[float] = None  # outcode centroid, for the map
    home_lon: Optional[float] = None
    pl_lat: Optional[float] = None
    pl_lon: Optional[float] = None
    pl_distance: Optional[float] = None  # miles, DfE's PL_DISTANCE
    distance_precision: str = ""  # postcode / outcode / not known
    pl_la: str = ""  # placement council (ONS code), or a country outside England
    pl_la_name: str = ""
    pl_la_method: str = ""
    inside_la: Optional[bool] = None
    distance_band: str = ""
    placement_category: str = ""
    placement_detail: str = ""
    foster_type: str = ""
    provider_type: str = ""
    dataset: str = Field(default="", index=True)  # source id (synthetic) or upload id
    extract_date: Optional[date] = None  # when the extract was taken: its "now"
    synthetic: bool = False


class PlacementEpisode(PlacementEpisodeFields, table=True):
    """The embedded default (synthetic extracts), refilled with every default load."""

    __tablename__ = "placement_episode"
    id: Optional[int] = Field(default=None, primary_key=True)


class PlacementEpisodeUpload(PlacementEpisodeFields, table=True):
    """Councils' uploaded extracts; the default load never touches this table."""

    __tablename__ = "placement_episode_upload"
    id: Optional[int] = Field(default=None, primary_key=True)
    version_id: Optional[int] = Field(default=None, index=True)


class PlacementUpload(SQLModel, table=True):
    """Which file each council's uploaded episodes came from, and who loaded it."""

    __tablename__ = "placement_upload"
    id: str = Field(primary_key=True)
    area_code: str = Field(index=True, max_length=12)
    file_name: str
    extract_date: Optional[date] = None
    rows: int = 0
    rejected: int = 0
    warnings: int = 0
    key_origin: str = ""
    loaded_at: Optional[datetime] = None
    loaded_by: str = ""


# --- Sufficiency plan scenarios (issue 18) --------------------------------------------------
class SufficiencyScenario(SQLModel, table=True):
    """A named, saved set of levers (JSON) a planner compares with the baseline."""

    __tablename__ = "sufficiency_scenario"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=80)
    description: str = ""
    levers: str = "[]"  # JSON list of regional.sufficiency.scenarios.Lever
    created_at: Optional[datetime] = None
    created_by: str = ""
    updated_at: Optional[datetime] = None
    updated_by: str = ""


class PopulationProjection(SQLModel, table=True):
    """Children aged 0-17 in a council's area from an ONS subnational population projection a
    council loaded (issue 18), dated as DfE dates its denominator: mid-year Y for 31 March Y+1."""

    __tablename__ = "population_projection"
    __table_args__ = (UniqueConstraint("area_code", "period", "source_id", name="uq_population_projection"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    period: date  # 31 March after the projection's mid-year
    period_label: str  # "mid-2027 (for 31 March 2028)"
    mid_year: int
    population: float
    base_year: int  # the projection's base (2022 for the 2022-based SNPP)
    matched: str = ""  # how the file's rows became this council's (its own code, or the districts summed)
    source_id: str = Field(foreign_key="source.id", index=True)
    version_id: Optional[int] = Field(default=None, index=True)


class PlannedProvision(SQLModel, table=True):
    """A home or service a council plans to open (or close) in its area, with beds and date (issue 18):
    the supply side of the sufficiency plan beside Ofsted's register."""

    __tablename__ = "planned_provision"
    __table_args__ = (UniqueConstraint("area_code", "period", "setting_type", "setting_name", "source_id",
                                       name="uq_planned_provision_line"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    period: date  # the date the beds open (or close), as planned
    period_label: str
    setting_type: str  # childrens_home, supported_accommodation, parent_and_child, short_breaks
    setting_name: str
    change: str  # open or close
    beds: int
    stage: str = ""  # planned, approved, in development, registered
    section: str = ""
    note: str = ""
    source_id: str = Field(foreign_key="source.id", index=True)
    version_id: Optional[int] = Field(default=None, index=True)


# --- Comparator groups (issue 16) ----------------------------------------------------------
class OfstedIlacs(SQLModel, table=True):
    """One ILACS judgement or visit from Ofsted's *Local authority inspection outcomes*.

    ``ofsted_table`` says which of the file's three tables the row is from: ``latest`` (each
    council's judgement at the file's date), ``in_year`` (the year's inspections and visits) or
    ``history`` (every short and standard inspection since 2018). Judgements are blank for visits.
    """

    __tablename__ = "ofsted_ilacs"
    id: Optional[int] = Field(default=None, primary_key=True)
    ofsted_table: str = Field(index=True)
    area_code: str = Field(index=True, max_length=12)  # Ofsted's ONS code (abolished councils kept)
    ofsted_la_name: str = ""
    la_status: str = ""
    inspection_date: date
    publication_date: Optional[date] = None
    inspection_type: str = ""
    overall_effectiveness: str = ""
    leaders: str = ""
    help_and_protection: str = ""
    children_in_care: str = ""
    care_leavers: str = ""
    visit_theme: str = ""
    source_id: str = Field(foreign_key="source.id")


class UserGroup(SQLModel, table=True):
    """A comparator group a regional admin defined on the Groups page ("Peninsula").

    Kept apart from ``grouping`` (which the default load empties and refills from data/),
    so a reload never loses it.
    """

    __tablename__ = "user_group"
    id: str = Field(primary_key=True)  # "user:peninsula"
    name: str = Field(unique=True)
    description: str = ""
    created_by: str = ""
    created_at: datetime
    updated_by: str = ""
    updated_at: datetime


class UserGroupMember(SQLModel, table=True):
    __tablename__ = "user_group_member"
    __table_args__ = (UniqueConstraint("group_id", "area_code", name="uq_user_group_member"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    group_id: str = Field(foreign_key="user_group.id", index=True)
    area_code: str = Field(foreign_key="area.code")
# --- Action plans: councils' sufficiency RAG trackers (issue 17) ---------------------------
class ActionPlanLine(SQLModel, table=True):
    """One action, or one success measure, of one version of a council's action plan.

    ``status`` is one of Completed / On track / Requires further attention / Not rated;
    ``status_original`` keeps the council's own word ("Significant risk", "Amber", blank).
    Each version keeps its own rows, so two versions can be compared line by line.
    """

    __tablename__ = "action_plan_line"
    __table_args__ = (Index("ix_action_plan_version", "area_code", "plan", "version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    plan: str
    version: str  # as the council names it: "Version 1 (January 2025)"
    version_date: Optional[date] = None  # None when the document prints no date
    priority: str
    priority_title: str = ""
    item: str = "action"  # "action" or "success measure"
    reference: str = ""
    action: str = ""
    success_measure: str = ""
    status: str = "Not rated"
    status_original: str = ""
    target_date: Optional[date] = None
    owner: str = ""
    progress: str = ""
    impact: str = ""
    section: str = ""
    note: str = ""
    source_row: int = 0  # row in the file it came from (header is row 1)
    source_id: str = Field(foreign_key="source.id", index=True)
    version_id: Optional[int] = Field(default=None, index=True)  # the upload version that stored it; None = default


class ActionPlanTotal(SQLModel, table=True):
    """A plan's own count of actions by status, as its document prints it (checked against the rows)."""

    __tablename__ = "action_plan_total"
    id: Optional[int] = Field(default=None, primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    plan: str
    version: str
    status_original: str
    status: str
    count: int
    section: str = ""
    note: str = ""
    source_id: str = Field(foreign_key="source.id", index=True)
# --- Councils' returns: versions, audit, users (issue 11) -----------------------------------
class ReturnVersion(SQLModel, table=True):
    """One accepted upload: a new version of one council's return of one type.

    ``rows_json`` holds what the version stored and ``replaced_json`` what it replaced (both
    gzip-compressed JSON), so any version stays readable, two versions can be compared, and
    withdrawing the newest puts back exactly what it replaced.
    """

    __tablename__ = "return_version"
    __table_args__ = (UniqueConstraint("return_type", "area_code", "number", name="uq_return_version_number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    return_type: str = Field(index=True)  # council_return, fostering_pipeline, local_provision, ssda903, ...
    area_code: str = Field(index=True, max_length=12)  # the council whose return it is
    number: int  # 1, 2, ... within (return_type, area_code)
    status: str = "active"  # "active" or "withdrawn"
    periods: str = ""  # period labels the file covers, "; "-separated
    scope: str = ""  # what it replaces, in words (documents, household types, collection years)
    file_name: str = ""
    file_sha256: str = Field(default="", max_length=64)
    rows: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    loaded_at: datetime
    loaded_by: str = ""
    withdrawn_at: Optional[datetime] = None
    withdrawn_by: str = ""
    rows_json: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))
    replaced_json: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


class AuditEntry(SQLModel, table=True):
    """Append-only record of every change (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    who: str
    action: str  # upload, unchanged, withdraw, user_add, ...
    return_type: str = ""
    area_code: str = Field(default="", max_length=12)
    version_id: Optional[int] = None
    file_name: str = ""
    file_sha256: str = Field(default="", max_length=64)
    detail: str = ""


class AppUser(SQLModel, table=True):
    """Someone who may change data: a council editor or a regional admin (local or OIDC identity)."""

    __tablename__ = "app_user"
    email: str = Field(primary_key=True)
    role: str  # "editor" or "admin"
    area_code: Optional[str] = Field(default=None, max_length=12)  # an editor's council
    password_hash: str = ""  # argon2; blank for OIDC-only identities
    created_at: Optional[datetime] = None
    active: bool = True


class AppSetting(SQLModel, table=True):
    """Installation-wide settings kept in the database (e.g. the pseudonym key of a shared deployment)."""

    __tablename__ = "app_setting"
    key: str = Field(primary_key=True)
    value: str

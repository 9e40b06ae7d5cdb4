"""`python -m regional ...`: build-data, load, show, indicators, check, scorecard, plan, pack, distance."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from regional.errors import DataError

SHOW_COLUMNS = ["council_code", "council_name", "indicator", "period", "value", "status", "source"]
#: ``show --long`` adds what a figure means in its document: period in words, section and note.
LONG_COLUMNS = ["period_label", "section", "note"]


def _store():
    from regional.resilience import ready_engine
    from regional.store import load_store

    return load_store(ready_engine())


def format_number(value: float | None) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.6g}"


def show_frame(store, indicator: str, councils: list[str] | None, period: str | None, source: str,
               long: bool = False) -> pd.DataFrame:
    """What `show` prints: one figure per area and period for ``dfe`` (DfE over LAIT), every row otherwise."""
    codes = [store.index.resolve(c, column="--council") for c in councils] if councils else None
    if source == "dfe":
        rows = store.preferred(indicator, codes, published_only=True)
    else:
        rows = store.observations_for(indicator, codes, source=source, breakdown=None)
    if period:
        from regional.observations import parse_period
        try:
            wanted = pd.Timestamp(parse_period(period)[0])
        except ValueError as exc:
            raise DataError(str(exc), column="--period", expected="YYYY-MM-DD") from None
        rows = rows[rows["period"] == wanted]
    level_order = store.areas.set_index("code")["level"].map({"england": 0, "region": 1, "subregion": 2, "la": 3})
    rows = rows.assign(_lvl=rows["area_code"].map(level_order)).sort_values(["_lvl", "area_name", "period", "source_id"])
    from regional.observations import period_stated

    indicator_label = rows["indicator_id"] + rows["breakdown"].map(lambda b: f" ({b})" if b else "")
    stated = period_stated(rows["period_label"])
    frame = pd.DataFrame({
        "council_code": rows["area_code"], "council_name": rows["area_name"], "indicator": indicator_label,
        # A figure whose document gives no period prints none: its stored date is only a sort key.
        "period": rows["period"].dt.strftime("%Y-%m-%d").where(stated, ""), "value": rows["value"].map(format_number),
        "status": rows["status"], "source": rows["source_id"],
        "period_label": rows["period_label"], "section": rows["section"], "note": rows["note"],
    })
    return frame[SHOW_COLUMNS + (LONG_COLUMNS if long else [])]


def _scorecard(store, args: argparse.Namespace) -> int:
    from datetime import date

    from regional import groups, scorecard

    when = None
    if args.good_plus_at:
        try:
            when = date.fromisoformat(args.good_plus_at)
        except ValueError:
            raise DataError(f"'{args.good_plus_at}' is not a date", column="--good-plus-at",
                            expected="YYYY-MM-DD") from None
    options = scorecard.Options(model=args.model, statistic=args.statistic, good_plus_at=when,
                                extra_groups=tuple(groups.resolve_group(store, g) for g in args.compare))
    if args.council:
        councils = [store.index.resolve(args.council, column="--council")]
    else:
        councils = [c for c in store.group_members(groups.resolve_group(store, args.group))
                    if c in set(store.councils()["code"])]
    card = scorecard.group_scorecard(store, councils, args.measures, options)
    path = scorecard.write(card, store, args.out, options)
    print(f"wrote {path} ({len(councils)} council{'s' if len(councils) != 1 else ''}, "
          f"{card['indicator_id'].nunique()} measures)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m regional", description="Regional Care Benchmark data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build-data", help="derive data/extract from the raw published files")
    build.add_argument("--source", type=Path, default=None, help="folder holding dfe/, lait/ ... (../shared/data)")
    sub.add_parser("load", help="(re)load the embedded default into the database")
    sub.add_parser("postcode-index", help="build the postcode index in var/cache if it is missing (make run does "
                                          "this once, so the first start does not)")
    # --- scorecard (issue 16) ---
    card = sub.add_parser("scorecard", help="a council's (or every group member's) scorecard as CSV or XLSX")
    who = card.add_mutually_exclusive_group(required=True)
    who.add_argument("--council", help="ONS code, DfE number or name (BCP, 839, E06000058)")
    who.add_argument("--group", help="a group id or name: every member's scorecard (rcc:south-west, Peninsula)")
    card.add_argument("--measures", nargs="+", default=None, help="indicator ids (default: BCP's self-assessment set)")
    card.add_argument("--model", choices=["2025", "2021"], default="2025", help="statistical neighbour model")
    card.add_argument("--statistic", choices=["mean", "median", "pooled"], default="mean",
                      help="how a group's figure is made (pooled falls back to mean where counts are not held)")
    card.add_argument("--good-plus-at", default=None, help="take the Good+ group at this date (YYYY-MM-DD)")
    card.add_argument("--compare", nargs="+", default=[], help="more comparator columns: group ids or names")
    card.add_argument("--out", type=Path, required=True, help="file ending .csv or .xlsx")
    ret = sub.add_parser("load-return", help="validate and load a council return (CSV or XLSX)")
    ret.add_argument("path", type=Path)
    show = sub.add_parser("show", help="print one indicator as CSV")
    show.add_argument("indicator")
    show.add_argument("--council", action="append", help="name, ONS code or DfE number; repeatable")
    show.add_argument("--period", help="YYYY-MM-DD, e.g. 2025-03-31")
    show.add_argument("--source", choices=["dfe", "council", "all"], default="dfe")
    show.add_argument("--long", action="store_true", help="also print period label, section and note")
    sub.add_parser("indicators", help="list the indicator catalogue")
    sub.add_parser("status", help="what the database serves, and whether reloading data/ failed")
    # --- sufficiency plan (issue 18) ---
    plan = sub.add_parser("plan", help="write the sufficiency plan (demand, supply, gap, costs) to CSV or XLSX")
    plan.add_argument("--group", required=True, help="group id or name (rcc:south-west), or one council")
    plan.add_argument("--to", type=int, default=2028, help="horizon: the last 31 March (default 2028)")
    plan.add_argument("--scenario", help="a saved scenario's name, or an example's (see the Sufficiency plan page)")
    plan.add_argument("--out", type=Path, required=True, help="FILE.csv or FILE.xlsx")
    plan.add_argument("--rate", choices=["trend", "held"], default="trend",
                      help="rate per 10,000 on its five-year line (default) or held at its latest value")
    check = sub.add_parser("check", help="run the consistency rules (data/rules.csv); print the findings as CSV")
    check.add_argument("--council", action="append", help="name, ONS code or DfE number; repeatable")
    # --- councils' returns (issue 11): versions, catalogue, audit, migrations -----------------
    up = sub.add_parser("upload", help="validate and store any return as a new version")
    up.add_argument("path", type=Path)
    up.add_argument("--type", dest="kind", help="return type (default: recognised from the headers)")
    up.add_argument("--council", help="the council the return is for (default: the one the file is about)")
    up.add_argument("--accept", action="store_true", help="SSDA903: store the valid rows of a file with errors")
    sub.add_parser("catalogue", help="per council and return: current version, periods, who, when, file, SHA-256 (CSV)")
    versions = sub.add_parser("versions", help="every version of the councils' returns (CSV)")
    versions.add_argument("--council")
    versions.add_argument("--type", dest="kind")
    withdraw = sub.add_parser("withdraw", help="withdraw a version (restores the one before)")
    withdraw.add_argument("version_id", type=int)
    sub.add_parser("audit", help="the audit log (CSV)")
    sub.add_parser("migrate", help="apply database migrations (also done on every start)")
    users = sub.add_parser("users", help="local accounts and OIDC identities: council editors and regional admins")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add (or update) a user")
    add.add_argument("email")
    add.add_argument("--role", choices=["editor", "admin"], required=True)
    add.add_argument("--council", help="an editor's council (name, ONS code or DfE number)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--oidc-only", action="store_true", help="no local password: signs in through OIDC only")
    users_sub.add_parser("list", help="list users (CSV)")
    key = sub.add_parser("pseudonym-key", help="store a random pseudonymisation key in the shared database")
    key.add_argument("--generate", action="store_true", required=True)
    _add_ssda903_commands(sub)
    # --- meeting pack (issue 17) ---
    pack = sub.add_parser("pack", help="write the meeting pack for a group as one HTML file or a PDF")
    pack.add_argument("--group", required=True, help="group id or name, e.g. rcc:south-west or 'South West RCC'")
    pack.add_argument("--council", action="append", help="council of interest (name, ONS code or DfE number); "
                                                         "repeatable: a page for each")
    pack.add_argument("--date", help="the meeting's date, YYYY-MM-DD (default today)")
    pack.add_argument("--out", required=True, type=Path, help="FILE.html or FILE.pdf")
    args = parser.parse_args(argv)
    from regional.resilience import StorageUnavailable

    try:
        return _run(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StorageUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:  # `... | head` closed the pipe: not an error
        sys.stderr.close()
        return 0


def _run(args: argparse.Namespace) -> int:
    if args.command in SSDA903_COMMANDS:
        return SSDA903_COMMANDS[args.command](args)
    if args.command == "build-data":
        from regional.build import build_data
        from regional.settings import SHARED_DATA_DIR

        counts = build_data(args.source or SHARED_DATA_DIR)
        for name, rows in counts.items():
            print(f"{name}: {rows:,} rows")
        return 0
    if args.command == "postcode-index":
        from regional import geo

        path = geo.index_path()
        if geo.index_ready():
            print(f"postcode index already built: {path}")
            return 0
        counts = geo.build_index_step()
        print(f"postcode index built: {path} ({next(iter(counts.values())):,} postcodes)")
        return 0
    if args.command == "load":
        from regional import db

        rows = db.load_default(db.get_engine())
        print(f"loaded {rows:,} observations")
        return 0
    if args.command == "status":
        from regional import resilience

        status = resilience.load_status(resilience.ready_engine())
        print("\n".join(resilience.status_lines(status)))
        return 1 if status["failure"] else 0
    if args.command == "load-return":
        from regional import db, returns

        engine = db.get_engine()
        db.ensure_loaded(engine)
        found = []
        rows = returns.load_council_return(args.path, engine, on_findings=found.append)
        print(f"loaded {rows:,} observations from {args.path.name}")
        for frame in found:
            for message in frame["council"] + ": " + frame["message"] + " [" + frame["rule"] + "]":
                print(f"warning: {message}", file=sys.stderr)
        return 0
    if args.command in RETURN_COMMANDS:
        return _returns_command(args)
    store = _store()
    if args.command == "plan":
        return _plan(store, args)
    if args.command == "scorecard":
        return _scorecard(store, args)
    if args.command == "pack":
        from datetime import date

        from regional.report import make_pack

        try:
            when = date.fromisoformat(args.date) if args.date else None
        except ValueError:
            raise DataError(f"'{args.date}' is not a date", column="--date", expected="YYYY-MM-DD") from None
        out = make_pack(store, args.group, args.council, args.out, when)
        print(f"wrote {out} ({out.stat().st_size:,} bytes)")
        return 0
    if args.command == "indicators":
        sources = store.observations.groupby("indicator_id")["source_kind"].agg(lambda s: ", ".join(sorted(set(s))))
        out = store.indicators.assign(sources=store.indicators["id"].map(sources).fillna("none loaded"))
        out[["id", "label", "unit", "polarity", "topic", "scope", "period_type", "dfe_item", "sources"]].to_csv(
            sys.stdout, index=False)
        return 0
    if args.command == "check":
        from regional.consistency import FINDING_COLUMNS, check_store

        codes = [store.index.resolve(c, column="--council") for c in args.council] if args.council else None
        check_store(store, codes)[FINDING_COLUMNS].to_csv(sys.stdout, index=False)
        return 0
    frame = show_frame(store, args.indicator, args.council, args.period, args.source, long=args.long)
    frame.to_csv(sys.stdout, index=False)
    return 0


def _plan(store, args: argparse.Namespace) -> int:
    """`plan`: the sufficiency plan for a group to a horizon, with a scenario if named."""
    from regional.sufficiency import plan, scenarios

    if not 2026 <= args.to <= 2040:
        raise DataError(f"horizon {args.to} is out of range", column="--to", expected="a year from 2026 to 2040")
    members, label = plan.resolve_members(store, args.group)
    scenario = None
    if args.scenario:
        known = {s.name: s for s in scenarios.EXAMPLES} | scenarios.saved(store.engine)
        if args.scenario not in known:
            raise DataError(f"no scenario named '{args.scenario}'", column="--scenario",
                            expected=", ".join(sorted(known)))
        scenario = known[args.scenario]
    result = plan.build_plan(store, members, label=label, horizon=args.to, scenario=scenario, rate=args.rate)
    rows = plan.write_file(result, args.out)
    print(f"wrote {rows:,} rows to {args.out}")
    print(result.headline())
    return 0


RETURN_COMMANDS = {"upload", "catalogue", "versions", "withdraw", "audit", "migrate", "pseudonym-key", "users"}


def _returns_command(args: argparse.Namespace) -> int:
    """Uploads, versions, catalogue and audit: the same library calls the Data page makes."""
    from regional import db, keys, returns

    if args.command == "migrate":
        engine = db.get_engine(migrate=False)
        print(f"database at revision {db.upgrade(engine)}")
        return 0
    if args.command == "pseudonym-key":
        engine = db.get_engine(migrate=False)
        db.upgrade(engine)
        print("stored a new key" if keys.store_key(engine) else "a key is already stored; left as it is")
        return 0
    engine = db.get_engine()
    db.ensure_loaded(engine)
    if args.command == "users":
        return _users_command(args, engine)
    if args.command == "upload":
        kind = args.kind or returns.recognise(args.path)
        result = returns.submit(kind, args.path, engine, who=db.current_user(), council=args.council,
                                accept=args.accept)
        if result.unchanged:
            print(f"{args.path.name}: identical to what is held; nothing changed")
        else:
            print(f"{args.path.name}: version {result.number} of {kind} for {result.prepared.council}: "
                  f"{result.rows:,} rows; " + ", ".join(f"{n} {c}" for c, n in
                                                        result.diff["change"].value_counts().items()))
        return 0
    if args.command == "catalogue":
        returns.catalogue(engine).to_csv(sys.stdout, index=False)
    elif args.command == "versions":
        code = db_index(engine).resolve(args.council, column="--council") if args.council else None
        returns.versions(engine, args.kind, code).to_csv(sys.stdout, index=False)
    elif args.command == "withdraw":
        restored = returns.withdraw(args.version_id, engine, who=db.current_user())
        print(f"version {args.version_id} withdrawn; {restored:,} earlier rows restored")
    elif args.command == "audit":
        returns.audit_log(engine).to_csv(sys.stdout, index=False)
    return 0


def db_index(engine):
    from regional import returns

    return returns.area_index(engine)


def _users_command(args: argparse.Namespace, engine) -> int:
    from regional import auth

    if args.users_command == "list":
        pd.DataFrame([{"email": u.who, "role": u.role, "council": u.council or ""} for u in auth.users(engine)],
                     columns=["email", "role", "council"]).to_csv(sys.stdout, index=False)
        return 0
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not args.oidc_only:
        import getpass

        password = getpass.getpass(f"Password for {args.email} (12 characters or more): ")
    actor = auth.add_user(engine, args.email, args.role, council=args.council, password=password)
    print(f"{actor.who}: {actor.role}" + (f" of {actor.council}" if actor.council else "")
          + ("" if password else " (OIDC sign-in only)"))
    return 0

# --- placement distance and SSDA903 checks (issue 14) -----------------------------------------
def _add_ssda903_commands(sub) -> None:
    one = sub.add_parser("distance", help="DfE's PL_DISTANCE between two postcodes, with both councils")
    one.add_argument("home_post", metavar="HOME_POST")
    one.add_argument("pl_post", metavar="PL_POST")
    check = sub.add_parser("check-903", help="DfE's SSDA903 rules on a return (CSV/XLSX tables or the XML): "
                                             "findings as CSV")
    check.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    check.add_argument("--council", help="responsible council when the files have no LA column "
                                         "(name, ONS code or DfE number)")


def _distance(args: argparse.Namespace) -> int:
    """Miles to one decimal, the precision, and the council of each postcode."""
    from regional import distance

    found = distance.postcode_distances(pd.Series([args.home_post]), pd.Series([args.pl_post])).iloc[0]
    for label, prefix, text in (("home", "home_", args.home_post), ("placement", "pl_", args.pl_post)):
        if found[prefix + "problem"]:
            raise DataError(f"{label} postcode {text!r}: {found[prefix + 'problem']}", column=prefix.upper() + "POST",
                            expected="a postcode in the ONS postcode directory, or an outcode")
    print(f"{found['pl_distance']:.1f} miles ({found['distance_precision']} precision)")
    for label, prefix, text in (("home", "home_", args.home_post), ("placement", "pl_", args.pl_post)):
        council = found[prefix + "la_name"] or "council not known"
        code = f" ({found[prefix + 'la_code']})" if found[prefix + "la_code"] else ""
        print(f"{label}: {text.upper()} in {council}{code}")
    return 0


def _check_903(args: argparse.Namespace) -> int:
    """Each rule's findings as CSV: rule, child, episode start, column, message (the council's own CHILD)."""
    from regional import db
    from regional.authorities import AreaIndex
    from regional.importers import ssda903

    result = ssda903.import_return(args.paths, AreaIndex(db.read_areas()), council=args.council,
                                   pseudonymise_children=False)
    findings = result.findings.rename(columns={"episode_start": "episode start"})
    findings[["rule", "child", "episode start", "column", "message"]].to_csv(sys.stdout, index=False)
    refused = result.errors
    if len(refused):
        print(f"{result.rejected_rows} row(s) could not be read (not checked): "
              + "; ".join(f"row {r.row} {r.column}: {r.problem}" for r in refused.head(5).itertuples()),
              file=sys.stderr)
    return 0


SSDA903_COMMANDS = {"distance": _distance, "check-903": _check_903}

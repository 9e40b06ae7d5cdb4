"""`python -m regional ...`: build-data, load, show, indicators, export."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from regional.errors import DataError

SHOW_COLUMNS = ["council_code", "council_name", "indicator", "period", "value", "status", "source"]


def _store():
    from regional import db
    from regional.store import load_store

    engine = db.get_engine()
    db.ensure_loaded(engine)
    return load_store(engine)


def format_number(value: float | None) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.6g}"


def show_frame(store, indicator: str, councils: list[str] | None, period: str | None, source: str) -> pd.DataFrame:
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
    indicator_label = rows["indicator_id"] + rows["breakdown"].map(lambda b: f" ({b})" if b else "")
    return pd.DataFrame({
        "council_code": rows["area_code"], "council_name": rows["area_name"], "indicator": indicator_label,
        "period": rows["period"].dt.strftime("%Y-%m-%d"), "value": rows["value"].map(format_number),
        "status": rows["status"], "source": rows["source_id"],
    })[SHOW_COLUMNS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m regional", description="Regional Care Benchmark data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build-data", help="derive data/extract from the raw published files")
    build.add_argument("--source", type=Path, default=None, help="folder holding dfe/, lait/ ... (../shared/data)")
    sub.add_parser("load", help="(re)load the embedded default into the database")
    ret = sub.add_parser("load-return", help="validate and load a council return (CSV or XLSX)")
    ret.add_argument("path", type=Path)
    show = sub.add_parser("show", help="print one indicator as CSV")
    show.add_argument("indicator")
    show.add_argument("--council", action="append", help="name, ONS code or DfE number; repeatable")
    show.add_argument("--period", help="YYYY-MM-DD, e.g. 2025-03-31")
    show.add_argument("--source", choices=["dfe", "council", "all"], default="dfe")
    sub.add_parser("indicators", help="list the indicator catalogue")
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
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
    if args.command == "load":
        from regional import db

        rows = db.load_default(db.get_engine())
        print(f"loaded {rows:,} observations")
        return 0
    if args.command == "load-return":
        from regional import db, returns

        engine = db.get_engine()
        db.ensure_loaded(engine)
        print(f"loaded {returns.load_council_return(args.path, engine):,} observations from {args.path.name}")
        return 0
    if args.command in RETURN_COMMANDS:
        return _returns_command(args)
    store = _store()
    if args.command == "indicators":
        sources = store.observations.groupby("indicator_id")["source_kind"].agg(lambda s: ", ".join(sorted(set(s))))
        out = store.indicators.assign(sources=store.indicators["id"].map(sources).fillna("none loaded"))
        out[["id", "label", "unit", "polarity", "topic", "sources"]].to_csv(sys.stdout, index=False)
        return 0
    frame = show_frame(store, args.indicator, args.council, args.period, args.source)
    frame.to_csv(sys.stdout, index=False)
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

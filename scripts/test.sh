#!/usr/bin/env bash
# Runs the whole test suite. Where it may (root, Debian), it first installs Debian's
# chromium for the browser tests and PostgreSQL for the database tests, and starts
# PostgreSQL on loopback; without them those tests skip and say why.
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

if [ ! -x /usr/bin/chromium ] && can_apt; then
  echo "test.sh: installing Debian chromium for the browser tests"
  apt_install chromium fonts-dejavu-core || echo "test.sh: chromium could not be installed; browser tests will skip"
fi

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && can_apt; then
    echo "test.sh: installing Debian postgresql for the database tests"
    apt_install postgresql || echo "test.sh: postgresql could not be installed; PostgreSQL tests will skip"
  fi
  if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null 2>&1; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_lsclusters -h 2>/dev/null | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null 2>&1
    pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      pg_isready -q -h 127.0.0.1 -p 5432 && break
      sleep 1
    done
    su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='regional'\"" | grep -q 1 \
      || su postgres -c "psql -qc \"create role regional login password 'regional' createdb\"" >/dev/null
    su postgres -c "psql -qtAc \"select 1 from pg_database where datname='regional_test'\"" | grep -q 1 \
      || su postgres -c "createdb -O regional regional_test" >/dev/null
    if PGPASSWORD=regional psql -h 127.0.0.1 -U regional -d regional_test -qtAc 'select 1' >/dev/null 2>&1; then
      export TEST_DATABASE_URL="postgresql+psycopg://regional:regional@127.0.0.1:5432/regional_test"
      echo "test.sh: PostgreSQL $version running on 127.0.0.1:5432"
    fi
  fi
fi

exec "$PY" -m pytest "$@"

#!/usr/bin/env bash
# A local Airflow 3 for newsflow: AIRFLOW_HOME under the project, DAGs from dags/,
# no example DAGs, the crawl pool created. See docs/airflow.md.
#
#   scripts/airflow-local.sh [standalone]   set up, then run `airflow standalone`
#                                           (api-server + scheduler + dag-processor +
#                                           triggerer, SQLite metadata, LocalExecutor)
#   scripts/airflow-local.sh init           only set up: migrate metadata, pools, DAGs
#   scripts/airflow-local.sh celery         set up for CeleryExecutor (Redis broker,
#                                           PostgreSQL metadata) and run api-server,
#                                           scheduler, dag-processor and a Celery worker
#   eval "$(scripts/airflow-local.sh env)"  use the `airflow` CLI on this Airflow
#   eval "$(scripts/airflow-local.sh env celery)"   ... on the `celery` one
#
# SIGTERM or SIGINT (a supervisor, `kill`, Ctrl-C) stops every process the script
# started, with their children (task runners, executor workers): SIGTERM to all, then
# SIGKILL to those still running after AIRFLOW_STOP_GRACE_S seconds (default 20).
#
# Settings (environment): AIRFLOW_HOME (default .airflow), AIRFLOW_PORT (8080),
# NEWSFLOW_CRAWL_POOL_SLOTS (4), and for `celery`: AIRFLOW_METADATA_URL
# (postgresql+psycopg://postgres@127.0.0.1:5432/newsflow_airflow) and
# AIRFLOW_BROKER_URL (redis://127.0.0.1:6379/0), AIRFLOW_WORKER_CONCURRENCY (4) and
# AIRFLOW_WORKER_QUEUES (the worker's --queues; default: Airflow's default queue).
# NEWSFLOW_* variables reach the tasks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-standalone}"

export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
# Local use only: every visitor of the UI is an admin, no password to look up.
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS:-True}"
PORT="${AIRFLOW_PORT:-8080}"
export AIRFLOW__API__PORT="$PORT"
export AIRFLOW__API__BASE_URL="http://localhost:$PORT"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://localhost:$PORT/execution/"
export PATH="$ROOT/.venv/bin:$PATH"
POOL_SLOTS="${NEWSFLOW_CRAWL_POOL_SLOTS:-4}"
STOP_GRACE_S="${AIRFLOW_STOP_GRACE_S:-20}"

mkdir -p "$AIRFLOW_HOME"
# Every process of this Airflow must sign and accept the same task tokens.
if [[ ! -s "$AIRFLOW_HOME/.jwt_secret" ]]; then
    (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > "$AIRFLOW_HOME/.jwt_secret")
fi
export AIRFLOW__API_AUTH__JWT_SECRET="$(cat "$AIRFLOW_HOME/.jwt_secret")"

# `env celery` prints the settings of the `celery` mode.
FLAVOUR="$MODE"
if [[ "$MODE" == env ]]; then
    FLAVOUR="${2:-standalone}"
fi

if [[ "$FLAVOUR" == celery ]]; then
    export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${AIRFLOW_METADATA_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/newsflow_airflow}"
    export AIRFLOW__CELERY__BROKER_URL="${AIRFLOW_BROKER_URL:-redis://127.0.0.1:6379/0}"
    export AIRFLOW__CELERY__RESULT_BACKEND="db+${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN}"
fi

setup() {
    airflow db migrate >/dev/null
    airflow pools set newsflow_crawl "$POOL_SLOTS" \
        "newsflow crawls running at once, across all runs (one crawl per host is enforced separately)" >/dev/null
    airflow dags reserialize >/dev/null
    echo "Airflow home: $AIRFLOW_HOME; DAGs: $AIRFLOW__CORE__DAGS_FOLDER; pool newsflow_crawl: $POOL_SLOTS slots" >&2
}

# --- running the components and stopping all of them -----------------------------------
# `exec airflow standalone` left the api-server, scheduler, dag-processor, triggerer and
# executor workers running when a SIGTERM reached it (standalone stops its components
# on Ctrl-C only), and task runners start their own process groups. So the components
# run as children of this script, which stops their whole tree itself.
CHILDREN=()

start() {  # run "$@" in the background as one of the components
    "$@" &
    CHILDREN+=($!)
}

tree() {  # the given processes and all their descendants
    local pid
    for pid in "$@"; do
        echo "$pid"
        tree $(pgrep -P "$pid" || true)
    done
}

living() {  # those of the given processes still running (zombies are not)
    local pid
    for pid in "$@"; do
        case "$(ps -o stat= -p "$pid" 2>/dev/null || true)" in
            ""|Z*) ;;
            *) echo "$pid" ;;
        esac
    done
}

stop_tree() {  # SIGTERM the whole tree, SIGKILL what is left after STOP_GRACE_S; exit $1
    trap '' INT TERM
    local pid left deadline=$((SECONDS + STOP_GRACE_S))
    local -A termed=()
    left=$(tree "${CHILDREN[@]}")
    while [[ -n "$left" ]] && (( SECONDS < deadline )); do
        for pid in $left; do  # processes started while stopping get their SIGTERM too
            [[ -n "${termed[$pid]:-}" ]] || { kill -TERM "$pid" 2>/dev/null || true; termed[$pid]=1; }
        done
        sleep 0.5
        left=$(living $(tree $left) | sort -u)
    done
    if [[ -n "$left" ]]; then
        echo "airflow-local: still running after ${STOP_GRACE_S} s, killed:" >&2
        ps -o pid=,args= -p "$(echo $left | tr ' ' ,)" >&2 || true
        kill -KILL $left 2>/dev/null || true
    fi
    wait 2>/dev/null || true
    exit "$1"
}

supervise() {  # until a signal arrives or a component ends, then stop them all
    local status=0
    wait -n || status=$?
    stop_tree "$status"
}

trap 'stop_tree 130' INT
trap 'stop_tree 143' TERM

case "$MODE" in
    env)
        for name in AIRFLOW_HOME AIRFLOW__CORE__DAGS_FOLDER AIRFLOW__CORE__LOAD_EXAMPLES \
                    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS AIRFLOW__API__PORT \
                    AIRFLOW__API__BASE_URL AIRFLOW__CORE__EXECUTION_API_SERVER_URL \
                    AIRFLOW__API_AUTH__JWT_SECRET PATH AIRFLOW__CORE__EXECUTOR \
                    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN AIRFLOW__CELERY__BROKER_URL \
                    AIRFLOW__CELERY__RESULT_BACKEND; do
            if [[ -n "${!name:-}" ]]; then
                printf 'export %s=%q\n' "$name" "${!name}"
            fi
        done
        ;;
    init)
        setup
        ;;
    standalone)
        setup
        echo "Open http://localhost:$PORT and trigger newsflow_nightly (Ctrl-C stops Airflow)." >&2
        echo "The newsflow report page: http://localhost:$PORT/newsflow/ (\"newsflow\" in the UI's menu)." >&2
        start airflow standalone
        supervise
        ;;
    celery)
        if [[ "$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" == *127.0.0.1:5432/newsflow_airflow ]]; then
            psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'newsflow_airflow'" \
                | grep -q 1 || createdb -h 127.0.0.1 -U postgres newsflow_airflow
        fi
        setup
        start airflow api-server --port "$PORT"
        start airflow dag-processor
        start airflow scheduler
        start airflow celery worker --concurrency "${AIRFLOW_WORKER_CONCURRENCY:-4}" \
            ${AIRFLOW_WORKER_QUEUES:+--queues "$AIRFLOW_WORKER_QUEUES"}
        echo "CeleryExecutor Airflow on http://localhost:$PORT (Ctrl-C stops every process)." >&2
        echo "The newsflow report page: http://localhost:$PORT/newsflow/" >&2
        supervise
        ;;
    *)
        echo "usage: $0 [standalone|init|celery|env [celery]]" >&2
        exit 2
        ;;
esac

#!/usr/bin/env bash
# The Spark test: examples/spark/salesforecast_spark.py on local Spark, four partitionings of a
# 4,000-row file, each merged fit equal to `salesforecast fit` on the whole file to 1e-10 relative.
#
# Skipped, with a line saying so, where there is no Java. Otherwise installs pyspark (pinned below)
# into a virtual environment kept in ~/.cache/salesforecast (reused by later runs) when no python3
# here already has that version. SALESFORECAST names the binary (default .build/debug/salesforecast,
# built when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."

PYSPARK_VERSION=3.5.3  # supports Java 8, 11 and 17 and Python 3.8 to 3.11 (3.12 with 3.5.3's own fixes)

java_binary="java"
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java_binary="$JAVA_HOME/bin/java"
if ! "$java_binary" -version >/dev/null 2>&1; then
  echo "spark test: SKIPPED: no Java here (PySpark needs a JRE, e.g. apt-get install openjdk-17-jre-headless)"
  exit 0
fi

binary="${SALESFORECAST:-$PWD/.build/debug/salesforecast}"
if [ ! -x "$binary" ]; then
  swift build -q --product salesforecast
  binary="$PWD/.build/debug/salesforecast"
fi

has_pyspark() { "$1" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" >/dev/null 2>&1; }
python=""
if has_pyspark python3; then
  python="python3"
else
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/salesforecast/spark-venv-pyspark-$PYSPARK_VERSION"
  if ! has_pyspark "$venv/bin/python"; then
    echo "spark test: installing pyspark $PYSPARK_VERSION into $venv"
    if python3 -m venv "$venv" >/dev/null 2>&1; then
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
    else
      # No venv module (Debian without python3-venv): a user install; Debian's Python needs the flag.
      rm -rf "$venv"
      python3 -m pip install --quiet --user "pyspark==$PYSPARK_VERSION" 2>/dev/null \
        || python3 -m pip install --quiet --user --break-system-packages "pyspark==$PYSPARK_VERSION"
    fi
  fi
  if has_pyspark "$venv/bin/python"; then python="$venv/bin/python"; else python="python3"; fi
fi

# The workers run the same Python as the driver.
export PYSPARK_PYTHON="$python" PYSPARK_DRIVER_PYTHON="$python"
"$python" examples/spark/test_spark_merge.py --binary "$binary" 2> >(grep -v -E "WARN|setLogLevel" >&2)

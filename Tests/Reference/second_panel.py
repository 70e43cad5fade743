#!/usr/bin/env python3
"""A second, held-out panel for checking interval coverage: the example generator
(examples/generate_data.py, standard library only) with another seed, 48 reps (12 per
team; the extra reps are ordinary ones named "Rep 37" …) and 42 months.

    python3 Tests/Reference/second_panel.py OUT_DIR [SEED]

Writes OUT_DIR/sales_history.csv, truth.json and README.md. Not used by the tests: it makes
the panel the README's coverage figures on an unseen panel come from.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
import generate_data as g  # noqa: E402

out = sys.argv[1]
g.SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 777
g.N_MONTHS = 42
g.TEAMS = [(t[0], t[1], 12) + tuple(t[3:]) for t in g.TEAMS]
g.REP_NAMES = g.REP_NAMES + ["Rep %d" % k for k in range(37, 49)]
sys.argv = [sys.argv[0], "--out", out]
g.main()

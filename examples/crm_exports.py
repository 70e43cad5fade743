#!/usr/bin/env python3
"""Write the example history as CRM exports: data/crm/activities.csv, deals.csv, roster.csv.

    python3 examples/crm_exports.py        # reads data/sales_history.csv, rewrites data/crm/*

(examples/generate_data.py runs it after writing the history.)

The exports are what a CRM (Salesforce, HubSpot, Pipedrive) gives: one row per logged activity,
one row per deal, and a roster. `salesforce panel` on them, with --timezone America/New_York and
--type-map "Call=calls,Inbound Call=calls", rebuilds sales_history.csv exactly: every count,
deals_won, revenue to the cent, team and tenure_months (Tests/CLITests/PanelCommandTests.swift).

- activities.csv (date, rep, type): one row per counted activity, on days spread over the month
  (within the rep's employment). Most dates are plain dates; activities on a month's last day are
  logged in the evening and written as UTC timestamps (`2024-03-01T01:30Z`), which fall in the next
  month unless days are cut in the team's zone (--timezone America/New_York); those on a month's
  first day carry the New York offset (`2024-03-01T07:15-05:00`); every 10th other row is a local
  timestamp without an offset (`2024-03-05 14:20`). A tenth of the calls are `Inbound Call`.
- deals.csv (close_date, rep, amount, stage): the won deals of each month (`Closed Won`) with
  amounts (whole cents) that sum to the month's revenue, plus lost and open deals that must not count.
- roster.csv (rep, team, start_date, end_date): start dates consistent with tenure_months (a start
  day within the start month), end dates for the reps who left.

Deterministic: Python's own Mersenne Twister (random.Random(seed).random() only), no time zone
database (the US daylight-saving rule since 2007 is computed here).
"""

import csv
import datetime
import os
import random

SEED = 20261130
HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = [("calls", "Call"), ("emails", "Email"), ("meetings", "Meeting"), ("demos", "Demo"), ("proposals", "Proposal")]
INBOUND_SHARE = 0.1
LOST_PER_WON = 1.2
OPEN_STAGES = ["Qualification", "Negotiation"]


def month_range(period):
    y, m = map(int, period.split("-"))
    first = datetime.date(y, m, 1)
    nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def month_index(period):
    y, m = map(int, period.split("-"))
    return y * 12 + m - 1


def nth_sunday(year, month, n):
    d = datetime.date(year, month, 1)
    d += datetime.timedelta(days=(6 - d.weekday()) % 7)
    return d + datetime.timedelta(days=7 * (n - 1))


def new_york_offset_hours(local):
    """-4 during US daylight saving time (2nd Sunday of March 2:00 to 1st Sunday of November 2:00), else -5."""
    start = datetime.datetime.combine(nth_sunday(local.year, 3, 2), datetime.time(2))
    end = datetime.datetime.combine(nth_sunday(local.year, 11, 1), datetime.time(2))
    return -4 if start <= local < end else -5


def pick(rng, n):
    return min(n - 1, int(rng.random() * n))


def main(folder=os.path.join(HERE, "data")):
    """Reads folder/sales_history.csv and writes folder/crm/*.csv."""
    rng = random.Random(SEED)
    with open(os.path.join(folder, "sales_history.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    out = os.path.join(folder, "crm")
    os.makedirs(out, exist_ok=True)
    last_period = max(r["period"] for r in rows)

    # Roster: start month from the first row's tenure, a start day within it; an end day for leavers.
    by_rep = {}
    for r in rows:
        by_rep.setdefault(r["rep"], []).append(r)
    roster = {}
    for rep in sorted(by_rep):
        reps_rows = sorted(by_rep[rep], key=lambda r: r["period"])
        first = reps_rows[0]
        start_index = month_index(first["period"]) - int(first["tenure_months"]) + 1
        start_month = "%04d-%02d" % (start_index // 12, start_index % 12 + 1)
        lo, hi = month_range(start_month)
        start = lo + datetime.timedelta(days=pick(rng, 20))
        end = None
        if reps_rows[-1]["period"] != last_period:
            lo, hi = month_range(reps_rows[-1]["period"])
            end = lo + datetime.timedelta(days=10 + pick(rng, (hi - lo).days - 10))
        roster[rep] = (first["team"], start, end)

    activities = []
    deals = []
    for r in rows:
        team, start, end = roster[r["rep"]]
        lo, hi = month_range(r["period"])
        lo, hi = max(lo, start), min(hi, end or hi)
        span = (hi - lo).days + 1
        for column, name in TYPES:
            for _ in range(int(r[column])):
                day = lo + datetime.timedelta(days=pick(rng, span))
                kind = name
                if name == "Call" and rng.random() < INBOUND_SHARE:
                    kind = "Inbound Call"
                activities.append((day, r["rep"], kind, rng.random()))
        won = int(r["deals_won"])
        cents = int(round(float(r["revenue"]) * 100))
        assert won > 0 or cents == 0, r
        weights = [0.3 + rng.random() for _ in range(won)]
        total = sum(weights)
        parts = [max(1, int(cents * w / total)) for w in weights]
        if won:
            parts[-1] = cents - sum(parts[:-1])
            assert parts[-1] > 0 and sum(parts) == cents
        for amount in parts:
            deals.append((lo + datetime.timedelta(days=pick(rng, span)), r["rep"], amount, "Closed Won"))
        lost = int(won * LOST_PER_WON + rng.random())
        for _ in range(lost):
            deals.append((lo + datetime.timedelta(days=pick(rng, span)), r["rep"], 500000 + pick(rng, 2500000), "Closed Lost"))
        if r["period"] == last_period:
            for stage in OPEN_STAGES:
                close = hi + datetime.timedelta(days=15 + pick(rng, 60))
                deals.append((close, r["rep"], 500000 + pick(rng, 2500000), stage))

    activities.sort(key=lambda a: (a[0], a[1], a[2]))
    with open(os.path.join(out, "activities.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("date,rep,type\n")
        for k, (day, rep, kind, u) in enumerate(activities):
            first_day = day.day == 1
            last_day = (day + datetime.timedelta(days=1)).day == 1
            if last_day:
                # Logged in the evening, New York time, and exported in UTC: the next day (and month) there.
                local = datetime.datetime.combine(day, datetime.time(20, 30)) + datetime.timedelta(minutes=int(u * 209))
                utc = local - datetime.timedelta(hours=new_york_offset_hours(local))
                text = utc.strftime("%Y-%m-%dT%H:%MZ")
            elif first_day:
                local = datetime.datetime.combine(day, datetime.time(7)) + datetime.timedelta(minutes=int(u * 600))
                text = local.strftime("%Y-%m-%dT%H:%M") + "%+03d:00" % new_york_offset_hours(local)
            elif k % 10 == 0:
                text = (datetime.datetime.combine(day, datetime.time(8)) + datetime.timedelta(minutes=int(u * 600))).strftime("%Y-%m-%d %H:%M")
            else:
                text = day.isoformat()
            f.write("%s,%s,%s\n" % (text, rep, kind))

    deals.sort(key=lambda d: (d[0], d[1], d[3], d[2]))
    with open(os.path.join(out, "deals.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("close_date,rep,amount,stage\n")
        for day, rep, amount, stage in deals:
            f.write("%s,%s,%d.%02d,%s\n" % (day.isoformat(), rep, amount // 100, amount % 100, stage))

    with open(os.path.join(out, "roster.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("rep,team,start_date,end_date\n")
        for rep, (team, start, end) in sorted(roster.items()):
            f.write("%s,%s,%s,%s\n" % (rep, team, start.isoformat(), end.isoformat() if end else ""))
    print("wrote %d activities, %d deals, %d reps to %s" % (len(activities), len(deals), len(roster), out))


if __name__ == "__main__":
    main()

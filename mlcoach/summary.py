"""The TOML summary, derived from the events alone (so it can always be rebuilt from the log)."""

from __future__ import annotations

from mlcoach.sessions import FORMAT, QUESTION_KINDS


def summarize(events: list[dict]) -> dict:
    meta = events[0]
    last_t = max((float(e.get("t", 0)) for e in events), default=0.0)
    status, ended, end_t = "", "", last_t
    for ev in events:
        if ev["type"] == "end":
            status, ended, end_t = ev.get("status", "incomplete"), ev.get("at", ""), float(ev.get("t", last_t))
        elif ev["type"] == "note" and ev.get("note") == "resumed":
            status, ended, end_t = "", "", last_t
    status = status or "incomplete"
    plan = meta.get("plan", {})
    phases: dict[str, dict] = {}
    order = [e for e in events if e["type"] == "phase"]
    for i, ev in enumerate(order):
        stop = order[i + 1]["t"] if i + 1 < len(order) else end_t
        record = phases.setdefault(ev["phase"], {
            "title": ev.get("title", ev["phase"]),
            "planned_seconds": round(float(plan.get(ev["phase"], [0, 0])[1]), 1),
            "actual_seconds": 0.0,
            "questions": 0,
        })
        record["actual_seconds"] = round(record["actual_seconds"] + float(stop) - float(ev["t"]), 1)
        if ev.get("branch"):
            record["branch"] = ev["branch"]
    for ev in events:
        if ev["type"] == "interviewer" and ev.get("kind") in QUESTION_KINDS and ev.get("phase") in phases:
            phases[ev["phase"]]["questions"] += 1
    summary = {
        "session_id": meta["session_id"],
        "format": FORMAT,
        "persona": meta.get("persona", ""),
        "candidate": meta.get("candidate", ""),
        "scenario": meta.get("scenario", ""),
        "interviewer": _latest(events, "interviewer", meta.get("interviewer", "scripted")),
        "judge": _latest(events, "judge", meta.get("judge", "offline")),
        "mode": meta.get("mode", "live"),
        "started": meta.get("at", ""),
        "ended": ended,
        "status": status,
        "duration_seconds": round(last_t, 1),
        "planned_minutes": meta.get("duration_minutes", 0),
        "seed": meta.get("seed", 0),
        "questions": sum(1 for e in events if e["type"] == "interviewer" and e.get("kind") in QUESTION_KINDS),
        "answers": sum(1 for e in events if e["type"] == "candidate"),
        "hints": sum(1 for e in events if e["type"] == "interviewer" and e.get("move") == "hint"),
        "notes": sum(1 for e in events if e["type"] == "note"),
    }
    scores = [e for e in events if e["type"] == "score"]
    if scores:  # the headline first, so a listing can read it without parsing the whole file
        summary["overall"] = scores[-1].get("overall", 0)
        summary["band"] = scores[-1].get("band", "")
        summary["scores"] = {cid: c.get("score", 0) for cid, c in scores[-1].get("criteria", {}).items()}
    summary["phases"] = phases
    if meta.get("level"):
        summary["level"] = meta["level"]
    spoken = [e for e in events if e["type"] == "candidate" and e.get("input") == "voice"]
    if spoken:
        from mlcoach.voice.metrics import observations

        summary["delivery"] = observations(spoken)
    usage = usage_total(events)
    if usage["calls"]:
        summary["usage"] = usage
    if scores:
        summary["score"] = {k: v for k, v in scores[-1].items() if k not in ("type", "t", "at")}
    return summary


def usage_total(events: list[dict]) -> dict:
    """Tokens and cost of every model call in the session; the cost is "unknown" if any call had no price."""
    total = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0}
    cost, known = 0.0, True
    for ev in events:
        usage = ev.get("usage")
        if not isinstance(usage, dict):
            continue
        for key in total:
            total[key] += int(usage.get(key, 0) or 0)
        if "cost_usd" in usage:
            cost += float(usage["cost_usd"])
        else:
            known = False
    total["cost_usd"] = round(cost, 6) if known else "unknown"
    return total


def _latest(events: list[dict], key: str, default: str) -> str:
    """The meta's value, or the one the last resume set."""
    for ev in reversed(events):
        if ev.get("type") == "note" and ev.get("note") == "resumed" and ev.get(key):
            return ev[key]
    return default

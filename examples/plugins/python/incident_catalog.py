#!/usr/bin/env python3
"""An OpsOrch plugin in Python 3, standard library only: incidents and a service catalogue.

It speaks the plain OpsOrch plugin protocol, exactly as an OpsOrch Core plugin does: one JSON
request per line on stdin, one JSON answer per line on stdout, strictly in order. It announces no
extension, so the gateway never sends it more than one request at a time.

Records use OpsOrch Core's field names and vocabulary (statuses `open`, `acknowledged`,
`mitigated`, `resolved`; severities `sev1`..`sev4`); the gateway normalizes them. Query filters
arrive with the gateway's enum names (`TRIGGERED`, `HIGH`, ...), so both vocabularies are matched.

Config (sent with every request): `baseUrl` for deep links, default https://incidents.example.com.
Run it by hand: echo '{"method":"service.query","config":{},"payload":{"limit":2}}' | ./incident_catalog.py
"""

import json
import sys
from datetime import datetime, timezone

STATUS_TO_GATEWAY = {"open": "TRIGGERED", "acknowledged": "ACKNOWLEDGED", "mitigated": "MITIGATED", "resolved": "RESOLVED"}
GATEWAY_TO_STATUS = {v: k for k, v in STATUS_TO_GATEWAY.items()}
SEVERITY_TO_GATEWAY = {"sev1": "CRITICAL", "sev2": "HIGH", "sev3": "MEDIUM", "sev4": "LOW", "sev5": "INFO"}
GATEWAY_TO_SEVERITY = {v: k for k, v in SEVERITY_TO_GATEWAY.items()}


class PluginError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def now():
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


SERVICES = [
    {"id": "svc-checkout", "name": "checkout", "aliases": ["checkout-api"], "description": "Takes payments and places orders",
     "tags": {"team": "payments", "tier": "1", "env": "production"}},
    {"id": "svc-search", "name": "search", "aliases": [], "description": "Product search",
     "tags": {"team": "discovery", "tier": "2", "env": "production"}},
    {"id": "svc-inventory", "name": "inventory", "aliases": ["stock"], "description": "Stock levels per warehouse",
     "tags": {"team": "fulfilment", "tier": "1", "env": "production"}},
    {"id": "svc-notifications", "name": "notifications", "aliases": [], "description": "E-mail and push",
     "tags": {"team": "platform", "tier": "3", "env": "staging"}},
]

INCIDENTS = [
    {"id": "INC-106", "title": "Checkout latency above 2 s", "status": "open", "severity": "sev1", "service": "checkout",
     "team": "payments", "assignees": ["ana@example.com"], "createdAt": "2026-11-20T11:40:00Z", "updatedAt": "2026-11-20T11:41:00Z"},
    {"id": "INC-105", "title": "Search returns empty results for some locales", "status": "acknowledged", "severity": "sev2",
     "service": "search", "team": "discovery", "assignees": ["bo@example.com"], "createdAt": "2026-11-20T09:15:00Z",
     "updatedAt": "2026-11-20T09:30:00Z", "acknowledgedAt": "2026-11-20T09:30:00Z"},
    {"id": "INC-104", "title": "Inventory sync lagging behind", "status": "mitigated", "severity": "sev3", "service": "inventory",
     "team": "fulfilment", "assignees": [], "createdAt": "2026-11-19T22:05:00Z", "updatedAt": "2026-11-20T01:00:00Z"},
    {"id": "INC-103", "title": "Push notifications delayed", "status": "resolved", "severity": "sev4", "service": "notifications",
     "team": "platform", "assignees": ["cy@example.com"], "createdAt": "2026-11-19T14:00:00Z", "updatedAt": "2026-11-19T15:00:00Z",
     "resolvedAt": "2026-11-19T15:00:00Z"},
    {"id": "INC-102", "title": "Checkout card declines spike", "status": "resolved", "severity": "sev2", "service": "checkout",
     "team": "payments", "assignees": ["ana@example.com", "dee@example.com"], "createdAt": "2026-11-18T08:00:00Z",
     "updatedAt": "2026-11-18T10:00:00Z", "resolvedAt": "2026-11-18T10:00:00Z"},
    {"id": "INC-101", "title": "Search index rebuild failed", "status": "resolved", "severity": "sev3", "service": "search",
     "team": "discovery", "assignees": [], "createdAt": "2026-11-17T03:00:00Z", "updatedAt": "2026-11-17T05:00:00Z",
     "resolvedAt": "2026-11-17T05:00:00Z"},
]

TIMELINES = {
    incident["id"]: [{"id": f"{incident['id']}-1", "incidentId": incident["id"], "at": incident["createdAt"], "kind": "created",
                      "body": f"Incident opened: {incident['title']}", "actor": {"name": "monitoring"}}]
    for incident in INCIDENTS
}
TIMELINES["INC-105"].append({"id": "INC-105-2", "incidentId": "INC-105", "at": "2026-11-20T09:30:00Z", "kind": "status",
                             "body": "Acknowledged", "actor": {"name": "bo@example.com"}})


def base_url(config):
    return str(config.get("baseUrl") or "https://incidents.example.com").rstrip("/")


def with_links(record, config, kind):
    return {**record, "url": f"{base_url(config)}/{kind}/{record['id']}"}


def find_incident(incident_id):
    for incident in INCIDENTS:
        if incident["id"] == incident_id:
            return incident
    raise PluginError("not_found", f"incident {json.dumps(incident_id)} not found")


def parse_time(value):
    # fromisoformat accepts a trailing Z only from Python 3.11 on.
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def text_matches(needle, *haystack):
    return not needle or any(needle.lower() in (h or "").lower() for h in haystack)


def incident_matches(incident, query):
    statuses = query.get("statuses") or []
    severities = query.get("severities") or []
    scope = query.get("scope") or {}
    assignees = [a.lower() for a in query.get("assignees") or []]
    within = query.get("createdWithin")
    if statuses and incident["status"] not in statuses and STATUS_TO_GATEWAY[incident["status"]] not in statuses:
        return False
    if severities and incident["severity"] not in severities and SEVERITY_TO_GATEWAY[incident["severity"]] not in severities:
        return False
    if scope.get("service") and incident["service"].lower() != scope["service"].lower():
        return False
    if scope.get("team") and incident["team"].lower() != scope["team"].lower():
        return False
    if assignees and not any(a.lower() in assignees for a in incident["assignees"]):
        return False
    if within and not (parse_time(within["start"]) <= parse_time(incident["createdAt"]) <= parse_time(within["end"])):
        return False
    return text_matches(query.get("query"), incident["title"], incident.get("description"))


def incident_query(payload, config):
    found = sorted((i for i in INCIDENTS if incident_matches(i, payload)), key=lambda i: (i["createdAt"], i["id"]), reverse=True)
    limit = payload.get("limit") or len(found)
    return [with_links(i, config, "incidents") for i in found[:limit]]


def raw_severity(value):
    if value in SEVERITY_TO_GATEWAY:
        return value
    if value in GATEWAY_TO_SEVERITY:
        return GATEWAY_TO_SEVERITY[value]
    raise PluginError("bad_request", f"unknown severity {json.dumps(value)}")


def incident_create(payload, config):
    title = (payload.get("title") or "").strip()
    if not title:
        raise PluginError("bad_request", "title must not be blank")
    stamp = now()
    incident = {
        "id": f"INC-{101 + len(INCIDENTS)}", "title": title, "description": payload.get("description"), "status": "open",
        "severity": raw_severity(payload.get("severity") or "sev3"), "service": payload.get("service") or "",
        "team": payload.get("team") or "", "assignees": list(payload.get("assignees") or []), "createdAt": stamp,
        "updatedAt": stamp, "fields": payload.get("fields") or {},
    }
    INCIDENTS.append(incident)
    TIMELINES[incident["id"]] = [{"id": f"{incident['id']}-1", "incidentId": incident["id"], "at": stamp, "kind": "created",
                                  "body": f"Incident opened: {title}"}]
    return with_links(incident, config, "incidents")


def incident_update(payload, config):
    incident = find_incident(payload.get("id"))
    changes = payload.get("input") or {}
    stamp = now()
    if "title" in changes and changes["title"] is not None:
        if not changes["title"].strip():
            raise PluginError("bad_request", "title must not be blank")
        incident["title"] = changes["title"]
    if "description" in changes:
        incident["description"] = changes["description"]
    if changes.get("severity"):
        incident["severity"] = raw_severity(changes["severity"])
    if changes.get("assignees") is not None:
        incident["assignees"] = list(changes["assignees"])
    if changes.get("status"):
        status = GATEWAY_TO_STATUS.get(changes["status"], changes["status"])
        if status not in STATUS_TO_GATEWAY:
            raise PluginError("bad_request", f"unknown status {json.dumps(changes['status'])}")
        incident["status"] = status
        if status == "acknowledged":
            incident["acknowledgedAt"] = stamp
        if status == "resolved":
            incident["resolvedAt"] = stamp
        TIMELINES[incident["id"]].append({"id": f"{incident['id']}-{len(TIMELINES[incident['id']]) + 1}",
                                          "incidentId": incident["id"], "at": stamp, "kind": "status",
                                          "body": changes.get("note") or f"Status changed to {status}"})
    incident["updatedAt"] = stamp
    return with_links(incident, config, "incidents")


def timeline_append(payload, config):
    incident = find_incident(payload.get("id"))
    entry = payload.get("entry") or {}
    if not (entry.get("body") or "").strip():
        raise PluginError("bad_request", "body must not be blank")
    timeline = TIMELINES[incident["id"]]
    record = {"id": f"{incident['id']}-{len(timeline) + 1}", "incidentId": incident["id"], "at": entry.get("at") or now(),
              "kind": str(entry.get("kind") or "note").lower(), "body": entry["body"], "actor": entry.get("actor")}
    timeline.append(record)
    return record


def service_matches(service, query):
    ids = query.get("ids") or []
    names = [n.lower() for n in query.get("names") or []]
    scope = query.get("scope") or {}
    known_as = [service["name"].lower()] + [a.lower() for a in service["aliases"]]
    if ids and service["id"] not in ids:
        return False
    if names and not any(n in known_as for n in names):
        return False
    if scope.get("service") and scope["service"].lower() not in known_as:
        return False
    if scope.get("team") and service["tags"]["team"].lower() != scope["team"].lower():
        return False
    if scope.get("environment") and service["tags"]["env"].lower() != scope["environment"].lower():
        return False
    return text_matches(query.get("query") or query.get("name"), service["name"], service["description"], *service["aliases"])


def service_query(payload, config):
    found = sorted((s for s in SERVICES if service_matches(s, payload)), key=lambda s: s["name"])
    limit = payload.get("limit") or len(found)
    return [with_links(s, config, "services") for s in found[:limit]]


METHODS = {
    "incident.query": incident_query,
    "incident.get": lambda p, c: with_links(find_incident(p.get("id")), c, "incidents"),
    "incident.create": incident_create,
    "incident.update": incident_update,
    "incident.timeline.get": lambda p, c: list(TIMELINES[find_incident(p.get("id"))["id"]]),
    "incident.timeline.append": timeline_append,
    "service.query": service_query,
}


def answer(line):
    try:
        request = json.loads(line)
        handler = METHODS.get(request.get("method"))
        if handler is None:
            return {"error": {"code": "unknown_method", "message": f"unknown method {request.get('method')}"}}
        return {"result": handler(request.get("payload") or {}, request.get("config") or {})}
    except PluginError as err:
        return {"error": {"code": err.code, "message": str(err)}}
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        return {"error": {"code": "bad_request", "message": f"malformed request: {err}"}}


def main():
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(answer(line)) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()

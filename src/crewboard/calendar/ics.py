"""Writing iCalendar (RFC 5545): escaping, line folding, one VEVENT per job."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from crewboard.jobs.kinds import JobStatus
from crewboard.jobs.models import Job


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += b
    parts.append(current.decode())
    return "\r\n ".join(parts)


def stamp(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def job_event(job: Job, host: str, now: datetime) -> list[str]:
    assert job.planned_start is not None and job.planned_end is not None
    what = job.job_type.name if job.job_type else "Job"
    lines = [
        "BEGIN:VEVENT",
        f"UID:job-{job.id}@{host}",
        f"DTSTAMP:{stamp(now)}",
        f"LAST-MODIFIED:{stamp(job.updated_at)}",
        f"SEQUENCE:{job.version}",
        f"DTSTART:{stamp(job.planned_start)}",
        f"DTEND:{stamp(job.planned_end)}",
        f"SUMMARY:{escape(f'{job.ref} {what} - {job.customer.name}')}",
        f"LOCATION:{escape(job.location.address)}",
        f"GEO:{job.location.lat:.6f};{job.location.lon:.6f}",
    ]
    details = [f"Status: {job.status.value.replace('_', ' ')}"]
    if job.contact_phone or job.customer.phone:
        details.append(f"Phone: {job.contact_phone or job.customer.phone}")
    if job.description:
        details.append(f"Problem: {job.description}")
    if job.access_notes:
        details.append(f"Access: {job.access_notes}")
    if job.required_equipment:
        details.append(f"Equipment: {', '.join(job.required_equipment)}")
    lines.append(f"DESCRIPTION:{escape(chr(10).join(details))}")
    lines.append("STATUS:" + ("CANCELLED" if job.status is JobStatus.cancelled
                              else "CONFIRMED"))
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, jobs: Iterable[Job], host: str, now: datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//crewboard//technician feed//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}",
             "X-PUBLISHED-TTL:PT15M", "REFRESH-INTERVAL;VALUE=DURATION:PT15M"]
    for job in jobs:
        if job.planned_start is not None:
            lines.extend(job_event(job, host, now))
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"

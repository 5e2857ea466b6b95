"""Build the demo company through the real ``do_*`` actions, in the caller's transaction.

Everything is written the way the product writes it (so the audit trail is
complete): company settings, skills, job types, technicians with shifts and
time off, users and an API token, customers with service locations, and
today's and tomorrow's jobs moved through their lifecycle with timestamps
that fit the time of day. Office work is done by the "demo setup" actor;
field taps (accept, on my way, arrived, done) by each technician's own user.

The function flushes and never commits: ``crewboard demo`` owns the
transaction. One seed always gives the same company and plan.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crewboard.auth.actions import check_password_rule, do_create_api_token, do_create_user
from crewboard.auth.actor import Actor, Role
from crewboard.auth.models import User
from crewboard.auth.secrets import hash_password
from crewboard.company.actions import do_update_company
from crewboard.customers.actions import do_create_customer
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.db import utcnow
from crewboard.demo import data
from crewboard.demo.data import JobTypeSpec
from crewboard.demo.places import CITY_AREA, Place, random_place
from crewboard.demo.plan import (
    MIN,
    CrewMember,
    DemoClock,
    Site,
    Stop,
    Visit,
    make_clock,
    plan_day,
    season_weight,
    simulate,
)
from crewboard.jobs.actions import (
    do_accept_job,
    do_add_note,
    do_arrive,
    do_assign_job,
    do_cancel_job,
    do_complete_job,
    do_create_job,
    do_create_job_type,
    do_dispatch_job,
    do_mark_incomplete,
    do_report_delay,
    do_start_travel,
)
from crewboard.jobs.kinds import IncompleteReason, JobStatus, Priority, Source
from crewboard.jobs.models import Job, JobType
from crewboard.jobs.queries import on_day
from crewboard.notifications.actions import do_update_settings
from crewboard.notifications.kinds import Kind
from crewboard.notifications.outbox import notification_settings
from crewboard.technicians.actions import (
    do_add_absence,
    do_create_skill,
    do_create_technician,
    do_report_location,
)
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Technician

DEMO_ACTOR = Actor(user_id=None, role=Role.admin, name="demo setup")
TODAY_CAP = (7, 8, 8, 9)
TOMORROW_CAP = (3, 4, 5)


@functools.lru_cache(maxsize=4)
def _password_hash(password: str) -> str:
    """argon2 is slow on purpose (~0.5 s); one hash serves every demo user of a build."""
    return hash_password(password)


class Reporter:
    """Progress sink: the CLI passes a Rich-backed one; the default says nothing."""

    def total(self, units: int) -> None:
        """The number of steps the build will report."""

    def step(self, phase: str, units: int = 1) -> None:
        """``units`` more steps of ``phase`` are done."""


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    note: str = ""


@dataclass
class DemoResult:
    """What the command prints: where to log in and what was made."""

    password: str
    logins: list[DemoLogin]
    api_token: str
    today: date
    technicians: int
    customers: int
    jobs: int
    today_statuses: dict[str, int]
    tomorrow_statuses: dict[str, int]
    call_outs: list[str]
    warnings: list[str] = field(default_factory=list)
    notification_rules: dict[str, Any] = field(default_factory=dict)
    """The customer-message rules to put back once the build has committed."""


@dataclass(frozen=True)
class DemoPlan:
    """The company and its two days as planned, before anything is written."""

    today: date
    technicians: list[tuple[str, str, tuple[tuple[str, int], ...]]]  # name, home, skills
    customers: list[tuple[str, str, tuple[str, ...]]]  # name, phone, addresses
    visits: list[tuple[str, str, str, datetime, tuple[tuple[datetime, datetime], ...]]]
    logins: list[str]
    call_outs: list[str]


def build_demo(session: Session, *, seed: int = 1, technicians: int = 25,
               customers: int = 300, password: str = data.DEMO_PASSWORD,
               now: datetime | None = None, reporter: Reporter | None = None) -> DemoResult:
    """Fill an empty database with the demo company (flushes, does not commit)."""
    check_password_rule(password)
    builder = _Builder(session, seed, technicians, customers, password, now or utcnow(),
                       reporter or Reporter())
    builder.plan()
    return builder.write()


def restore_notifications(session: Session, result: DemoResult) -> None:
    """Turn customer messages back on, in a transaction after the build's.

    The build switches them off so the simulated morning does not queue hundreds
    of confirmations and on-my-way texts stamped "now" (and rendering them
    would triple the build time); from here on, demo activity notifies as usual.
    """
    do_update_settings(session, DEMO_ACTOR, version=None,
                       values={"rules": result.notification_rules})


def plan_demo(*, seed: int = 1, technicians: int = 25, customers: int = 300,
              now: datetime | None = None) -> DemoPlan:
    """The plan ``build_demo`` would write for the same arguments (no database)."""
    builder = _Builder(None, seed, technicians, customers, data.DEMO_PASSWORD,
                       now or utcnow(), Reporter())
    return builder.plan()


def email_for(name: str) -> str:
    """"Tom O'Brien" -> "tom.obrien@demo.crewboard"."""
    return f"{_slug(name, '.')}@{data.EMAIL_DOMAIN}"


def _slug(text: str, sep: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9 ]", "", ascii_text.lower()).split()
    return sep.join(words)


@dataclass(frozen=True)
class _CustomerSpec:
    name: str
    contact: str
    phone: str
    email: str
    business: bool
    places: list[tuple[str, Place, str | None]]  # label, place, access notes
    values: dict[str, Any]


class _Builder:
    def __init__(self, session: Session | None, seed: int, technicians: int, customers: int,
                 password: str, now: datetime, reporter: Reporter) -> None:
        if not 1 <= technicians <= len(data.CREW):
            raise ValueError(f"technicians must be 1 to {len(data.CREW)}")
        self.session, self.rng, self.report = session, random.Random(seed), reporter
        self.n_techs, self.n_customers, self.password = technicians, customers, password
        self.tz = ZoneInfo(data.TIMEZONE)
        self.clock: DemoClock = make_clock(self.tz, now, data.DAY_START, data.DAY_END,
                                            data.WORKING_DAYS)
        self.today = self.clock.today
        self.tomorrow = self.today + timedelta(days=1)
        self.job_types: dict[str, JobType] = {}
        self.techs: list[Technician] = []
        self.crew: list[CrewMember] = []
        self.actors: dict[int, Actor] = {}
        self.customer_specs: list[_CustomerSpec] = []
        self.sites: list[Site] = []
        self.site_specs: list[tuple[int, int]] = []  # site -> (customer spec, place index)
        self.locations: list[ServiceLocation] = []
        self.customer_rows: list[Customer] = []
        self.taken: dict[date, set[int]] = {self.today: set(), self.tomorrow: set()}
        self.warnings: list[str] = []

    @property
    def s(self) -> Session:
        assert self.session is not None, "planning only: no session to write to"
        return self.session

    # ------------------------------------------------------------ orchestration

    def plan(self) -> DemoPlan:
        """Draw the company and plan both days (pure: the rng and plain data only)."""
        rng = self.rng
        self.crew_specs = crew_specs = self._crew_specs()
        self._customer_specs()
        self.absences = self._time_off_specs(crew_specs)
        self.crew = [self._member(i, spec, self.absences.get(i, [])) for i, spec in
                     enumerate(crew_specs)]
        self.today_plan = plan_day(
            rng, self.tz, self.today, self.crew, self.sites, data.JOB_TYPES,
            {m.idx: rng.choice(TODAY_CAP) for m in self.crew}, self.taken[self.today])
        self.tomorrow_plan = plan_day(
            rng, self.tz, self.tomorrow, self.crew, self.sites, data.JOB_TYPES,
            {m.idx: rng.choice(TOMORROW_CAP) for m in self.crew}, self.taken[self.tomorrow])
        self.logins, self.call_outs = self._pick_people(
            [i for i in range(len(self.crew)) if self.today_plan.get(i)])
        names = [spec["name"] for spec in crew_specs]
        return DemoPlan(
            today=self.today,
            technicians=[(spec["name"], spec["home_address"], tuple(sorted(
                spec["skills"].items()))) for spec in crew_specs],
            customers=[(c.name, c.phone, tuple(p.address for _l, p, _n in c.places))
                       for c in self.customer_specs],
            visits=[(names[stop.tech], self.customer_specs[self.sites[stop.site].customer].name,
                     stop.job_type.name, stop.start, tuple(stop.windows))
                    for plan in (self.today_plan, self.tomorrow_plan)
                    for stops in plan.values() for stop in stops],
            logins=[names[i] for i in self.logins], call_outs=[names[i] for i in self.call_outs])

    def write(self) -> DemoResult:
        """Write the plan through the actions, then move each job to where it has got."""
        crew_specs, absences = self.crew_specs, self.absences
        today_plan, tomorrow_plan = self.today_plan, self.tomorrow_plan
        logins, call_outs = self.logins, self.call_outs
        queue = self._queue_sizes()
        planned_today = sum(map(len, today_plan.values()))
        planned = planned_today + sum(map(len, tomorrow_plan.values()))
        self.report.total(len(crew_specs) + len(self.customer_specs) + 2 * planned
                          + planned_today + sum(queue.values()) + 14)

        rules_before = dict(notification_settings(self.s).rules or {})
        do_update_settings(self.s, DEMO_ACTOR, version=None, values={"rules": {
            kind.value: {"sms": False, "email": False} for kind in Kind}})
        self._company_and_catalog()
        self._technicians(crew_specs, absences)
        login_rows, token = self._users(logins)
        self._customers()
        today_jobs, tomorrow_jobs = self._planned_jobs(today_plan, tomorrow_plan)
        cancelled = self._today(today_plan, today_jobs, call_outs)
        self._tomorrow(tomorrow_jobs, cancel=max(0, 2 - cancelled))
        self._queue(queue)
        self._call_outs(call_outs)
        self.s.flush()
        self.report.step("Done", 5)
        return DemoResult(
            password=self.password, logins=login_rows, api_token=token, today=self.today,
            technicians=len(self.techs), customers=len(self.customer_rows),
            jobs=self.s.scalar(select(func.count(Job.id))) or 0,
            today_statuses=self._statuses(self.today),
            tomorrow_statuses=self._statuses(self.tomorrow),
            call_outs=[self.techs[i].name for i in call_outs], warnings=self.warnings,
            notification_rules=rules_before)

    def _pick_people(self, working: list[int]) -> tuple[list[int], list[int]]:
        """Technicians whose logins are printed, and who calls in sick this morning.

        Printed technicians work today when possible, but at least one working
        technician (two on a full day) is left to call out, so the board always
        has stranded jobs to show, even on a Sunday with two people on call.
        """
        sick = 0 if not working else 1 if len(working) < 6 else 2
        logins = working[:max(0, min(3, len(working) - sick))]
        logins += [i for i in range(len(self.crew)) if i not in working][:3 - len(logins)]
        spare = [i for i in working if i not in logins]
        return logins, sorted(self.rng.sample(spare, min(sick, len(spare))))

    def _statuses(self, day: date) -> dict[str, int]:
        rows = self.s.execute(select(Job.status, func.count(Job.id))
                              .where(on_day(self.tz, day)).group_by(Job.status))
        return {status.value: count for status, count in sorted(rows)}

    # ------------------------------------------------------------ specs (no database)

    def _crew_specs(self) -> list[dict[str, Any]]:
        rng, specs = self.rng, []
        for name, kind, region, pattern, saturday, sunday in data.CREW[:self.n_techs]:
            archetype = data.ARCHETYPES[kind]
            skills = dict(archetype.skills)
            if archetype.extras and rng.random() < 0.4:
                extra = rng.choice(sorted(archetype.extras))
                skills[extra] = archetype.extras[extra]
            start, end, pause = data.SHIFT_PATTERNS[pattern]
            shifts = [{"weekday": d, "start": start, "end": end, "break_minutes": pause}
                      for d in range(5)]
            if saturday:
                shifts.append(dict(zip(("start", "end", "break_minutes"), data.SATURDAY,
                                       strict=True), weekday=5))
            if sunday:
                shifts.append(dict(zip(("start", "end", "break_minutes"),
                                       data.SUNDAY_ON_CALL, strict=True), weekday=6))
            home = random_place(rng, region)
            specs.append({
                "name": name, "skills": skills, "shifts": shifts, "region": region,
                "equipment": list(archetype.equipment), "home_address": home.address,
                "home_lat": home.lat, "home_lon": home.lon, "email": email_for(name),
                "phone": f"+1773555{rng.randrange(10000):04d}",
                "created_at": self.clock.now - timedelta(days=rng.randint(60, 3000))})
        return specs

    def _member(self, idx: int, spec: dict[str, Any],
                absences: list[tuple[AbsenceKind, datetime, datetime, str]]) -> CrewMember:
        shifts = {s["weekday"]: (s["start"], s["end"], s["break_minutes"])
                  for s in spec["shifts"]}
        return CrewMember(idx, spec["skills"], frozenset(spec["equipment"]), spec["home_lat"],
                          spec["home_lon"], shifts,
                          tuple((a[1], a[2]) for a in absences))

    def _time_off_specs(self, crew: list[dict[str, Any]]
                        ) -> dict[int, list[tuple[AbsenceKind, datetime, datetime, str]]]:
        """A week's vacation under way, a dentist tomorrow afternoon, a wedding next week."""
        candidates = [i for i, spec in enumerate(crew) if i >= 3 and not any(
            shift["weekday"] == 6 for shift in spec["shifts"])] if len(crew) > 5 else []
        chosen = self.rng.sample(candidates, min(3, len(candidates)))
        at, today = self.clock.at, self.today
        monday = today + timedelta(days=7 - today.weekday())
        plans = [
            (at(today - timedelta(days=2), "00:00"), at(today + timedelta(days=3), "00:00"),
             "Vacation"),
            (at(self.tomorrow, "12:30"), at(self.tomorrow + timedelta(days=1), "00:00"),
             "Dentist appointment"),
            (at(monday + timedelta(days=1), "00:00"), at(monday + timedelta(days=3), "00:00"),
             "Family wedding in Detroit"),
        ]
        return {idx: [(AbsenceKind.time_off, *plan)] for idx, plan in zip(chosen, plans,
                                                                           strict=False)}

    def _customer_specs(self) -> None:
        rng = self.rng
        businesses = list(data.BUSINESSES)
        rng.shuffle(businesses)
        for _ in range(self.n_customers):
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            person = f"{first} {last}"
            business = bool(businesses) and rng.random() < 0.1
            place = random_place(rng)
            if business:
                name = businesses.pop()
                email = f"office@{_slug(name, '-')}.example.com"
                labels = (rng.choice(data.BUSINESS_LABELS), rng.choice(data.BUSINESS_SECOND))
            else:
                name = person
                email = f"{_slug(person, '.')}{rng.choice(['', '', str(rng.randint(1, 99))])}" \
                        f"@example.{rng.choice(['com', 'net', 'org'])}"
                labels = (rng.choice(data.LOCATION_LABELS), rng.choice(data.SECOND_LABELS))
            places = [(labels[0], place, self._access_note())]
            if rng.random() < 0.25:
                places.append((labels[1], random_place(rng), self._access_note()))
            area = CITY_AREA[place.region]
            if place.region == "Suburbs" and place.lat > 41.95:
                area = "847"
            values = {"consent_sms": rng.random() > 0.12, "consent_email": rng.random() > 0.06,
                      "notes": rng.choice(data.CUSTOMER_NOTES) if rng.random() < 0.15 else None,
                      "created_at": self.clock.now - timedelta(days=rng.randint(3, 2500))}
            spec_idx = len(self.customer_specs)
            self.customer_specs.append(_CustomerSpec(
                name, person, f"+1{area}555{rng.randrange(10000):04d}", email, business,
                places, values))
            for place_idx, (_label, where, _notes) in enumerate(places):
                self.sites.append(Site(len(self.sites), spec_idx, where.lat, where.lon))
                self.site_specs.append((spec_idx, place_idx))

    def _access_note(self) -> str | None:
        return self.rng.choice(data.ACCESS_NOTES) if self.rng.random() < 0.22 else None

    def _queue_sizes(self) -> dict[str, int]:
        n = len(self.crew)
        return {"emergency": 3 if n >= 10 else 2, "today": max(2, n // 4),
                "tomorrow": max(2, n // 3), "unscheduled": max(2, n // 4)}

    # ------------------------------------------------------------ company, catalog, crew

    def _company_and_catalog(self) -> None:
        s = self.s
        do_update_company(s, DEMO_ACTOR, version=None, values={
            "name": data.COMPANY_NAME, "timezone": data.TIMEZONE, "day_start": data.DAY_START,
            "day_end": data.DAY_END, "working_days": data.WORKING_DAYS})
        for name, (levels, description) in data.SKILLS.items():
            do_create_skill(s, DEMO_ACTOR, name=name, max_level=levels, description=description)
        for jt in data.JOB_TYPES:
            self.job_types[jt.name] = do_create_job_type(
                s, DEMO_ACTOR, name=jt.name, default_duration_min=jt.duration,
                default_skills=dict(jt.skills), default_equipment=list(jt.equipment),
                requires_signature=jt.signature, requires_photo=jt.photo)
        self.report.step("Company, skills and job types", 5)

    def _technicians(self, specs: list[dict[str, Any]], absences: dict[
            int, list[tuple[AbsenceKind, datetime, datetime, str]]]) -> None:
        for idx, spec in enumerate(specs):
            values = dict(spec)
            skills = [{"name": k, "level": v} for k, v in values.pop("skills").items()]
            tech = do_create_technician(self.s, DEMO_ACTOR, skills=skills,
                                        shifts=values.pop("shifts"), **values)
            self.techs.append(tech)
            for kind, starts, ends, reason in absences.get(idx, []):
                do_add_absence(self.s, DEMO_ACTOR, tech, kind=kind, starts_at=starts,
                               ends_at=ends, reason=reason)
            self.report.step("Technicians")

    def _users(self, logins: list[int]) -> tuple[list[DemoLogin], str]:
        """Office users and one login per technician, all with the demo password.

        The password is hashed once (argon2 takes ~0.5 s here) and the hash is
        shared by every demo user; they all have the same published password.
        """
        shared_hash = _password_hash(self.password)
        rows: list[DemoLogin] = []
        admin: User | None = None
        for role, local, name in data.OFFICE_USERS:
            email = f"{local}@{data.EMAIL_DOMAIN}"
            user = do_create_user(self.s, DEMO_ACTOR, email=email, name=name, role=Role(role))
            user.password_hash = shared_hash
            admin = admin or user
            rows.append(DemoLogin(role, email, name))
        for idx, tech in enumerate(self.techs):
            user = do_create_user(self.s, DEMO_ACTOR, email=tech.email or email_for(tech.name),
                                  name=tech.name, role=Role.technician, technician_id=tech.id)
            user.password_hash = shared_hash
            self.actors[tech.id] = Actor(user.id, Role.technician, tech.name, tech.id)
            if idx in logins:
                rows.append(DemoLogin("technician", user.email, tech.name,
                                      f"{tech.region}, {', '.join(sorted(tech.skill_levels()))}"))
        self.s.flush()
        assert admin is not None
        token = do_create_api_token(self.s, DEMO_ACTOR, admin, "demo").token
        self.report.step("Users", 3)
        return rows, token

    def _customers(self) -> None:
        for spec in self.customer_specs:
            locations = [{"label": label, "address": place.address, "lat": place.lat,
                          "lon": place.lon, "access_notes": notes}
                         for label, place, notes in spec.places]
            customer = do_create_customer(self.s, DEMO_ACTOR, name=spec.name, phone=spec.phone,
                                          email=spec.email, locations=locations, **spec.values)
            self.customer_rows.append(customer)
            self.report.step("Customers")
        for spec_idx, place_idx in self.site_specs:
            self.locations.append(self.customer_rows[spec_idx].locations[place_idx])

    # ------------------------------------------------------------ jobs

    def _book(self, site: int, job_type: JobTypeSpec, *, windows: list[tuple[datetime, datetime]],
              priority: Priority | None = None, description: str | None = None,
              booked: datetime | None = None) -> Job:
        rng = self.rng
        spec_idx, _place = self.site_specs[site]
        spec, location = self.customer_specs[spec_idx], self.locations[site]
        if priority is None:
            priority = rng.choices([Priority.normal, Priority.high, Priority.low],
                                   [80, 12, 8])[0]
        contact = (f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"
                   if spec.business else spec.contact)
        booked = booked or self.clock.now - timedelta(days=rng.randint(1, 12),
                                                      minutes=rng.randint(0, 600))
        job = do_create_job(
            self.s, DEMO_ACTOR, customer_id=location.customer_id, location_id=location.id,
            job_type_id=self.job_types[job_type.name].id, windows=windows,
            source=rng.choices([Source.phone, Source.web, Source.api], [65, 25, 10])[0],
            priority=priority,
            description=description or rng.choice(job_type.problems or (job_type.name,)),
            contact_name=contact, contact_phone=spec.phone, contact_email=spec.email,
            access_notes=location.access_notes,
            billing_ref=f"PO-{rng.randint(1000, 9999)}" if spec.business else None,
            customer_confirmed=bool(windows) and rng.random() < 0.7, created_at=booked)
        return job

    def _assign(self, job: Job, stop: Stop) -> None:
        tech = self.techs[stop.tech]
        placement = do_assign_job(self.s, DEMO_ACTOR, job, tech, stop.start)
        self.warnings.extend(f"{job.ref}: {w.message}" for w in placement.warnings)

    def _planned_jobs(self, today: dict[int, list[Stop]], tomorrow: dict[int, list[Stop]]
                      ) -> tuple[dict[int, list[Job]], dict[int, list[Job]]]:
        """Book every planned visit, then put each on its technician's day.

        Booking runs in time order (job numbers follow the day); assigning runs
        latest first, so the double-booking check only meets jobs that could
        overlap instead of re-reading each technician's whole earlier day.
        """
        booked: list[dict[int, list[Job]]] = []
        for plan in (today, tomorrow):
            jobs = {}
            for idx, stops in plan.items():
                jobs[idx] = [self._book(stop.site, stop.job_type, windows=stop.windows)
                             for stop in stops]
                self.report.step("Booking jobs", len(stops))
            booked.append(jobs)
        for plan, jobs in ((tomorrow, booked[1]), (today, booked[0])):
            for idx, stops in plan.items():
                for stop, job in reversed(list(zip(stops, jobs[idx], strict=True))):
                    self._assign(job, stop)
                self.report.step("Assigning technicians", len(stops))
        return booked[0], booked[1]

    def _today(self, plan: dict[int, list[Stop]], booked: dict[int, list[Job]],
               call_outs: list[int]) -> int:
        """Move today's jobs as far as the (virtual) time of day says they got.

        Returns how many were cancelled (late in the day there may be nothing
        left to cancel; tomorrow's bookings are cancelled instead).
        """
        rng, clock = self.rng, self.clock
        now = clock.virtual_now
        runs: dict[int, list[Visit]] = {}
        for idx, stops in plan.items():
            if stops:
                shift = self.crew[idx].shifts[self.today.weekday()]
                runs[idx] = simulate(rng, stops, clock.at(self.today, shift[0]))
        done = [(i, k) for i, visits in runs.items() if i not in call_outs
                for k, v in enumerate(visits) if v.phase(now) == "done"]
        ahead = [(i, k) for i, visits in runs.items() if i not in call_outs
                 for k, v in enumerate(visits) if v.phase(now) == "ahead"
                 and k > 0 and visits[k - 1].phase(now) == "ahead"]
        incomplete = dict(zip(rng.sample(done, min(2, len(done) // 2)),
                              (IncompleteReason.parts_needed, IncompleteReason.customer_not_home),
                              strict=False))
        cancelled = dict(zip(rng.sample(ahead, min(2, len(ahead))), data.CANCEL_REASONS,
                             strict=False))
        noted = set(rng.sample(ahead, min(3, len(ahead))))
        if not incomplete:  # early in the day: a customer calls off a visit still to come
            early = [key for key in ahead if key not in cancelled]
            incomplete = {key: IncompleteReason.other for key in early[:1]}
        delayed = False
        for idx, stops in plan.items():
            if not stops:
                continue
            shift = self.crew[idx].shifts[self.today.weekday()]
            accepted_at = min(clock.at(self.today, shift[0]) - rng.randint(5, 25) * MIN, now)
            for k, (stop, visit) in enumerate(zip(stops, runs[idx], strict=True)):
                job = booked[idx][k]
                key = (idx, k)
                if idx in call_outs:
                    if rng.random() < 0.6:
                        do_dispatch_job(self.s, DEMO_ACTOR, job)
                elif key in incomplete:
                    if incomplete[key] is IncompleteReason.other:
                        do_dispatch_job(self.s, DEMO_ACTOR, job)
                    else:
                        self._field_day(job, visit, min(accepted_at, visit.travel),
                                        finish=False)
                    self._incomplete(job, visit, incomplete[key])
                else:
                    phase = visit.phase(now)
                    if phase == "ahead":
                        self._ahead(job, stop, k, runs[idx], accepted_at)
                    else:
                        self._field_day(job, visit, min(accepted_at, visit.travel),
                                        finish=phase == "done", arrive=phase != "en_route")
                        if phase != "done" and not delayed:
                            do_report_delay(self.s, self.actors[job.technician_id], job,
                                            minutes=rng.choice((15, 20, 30)),
                                            reason=rng.choice(data.DELAY_REASONS))
                            delayed = True
                    if key in cancelled:
                        do_cancel_job(self.s, DEMO_ACTOR, job, reason=cancelled[key])
                    elif key in noted:
                        do_add_note(self.s, DEMO_ACTOR, job, rng.choice(data.NOTES))
                self.report.step("Today's jobs")
            if idx not in call_outs:
                self._last_position(idx, stops, runs[idx])
        return len(cancelled)

    def _ahead(self, job: Job, stop: Stop, k: int, visits: list[Visit],
               accepted_at: datetime) -> None:
        """A visit still to come: dispatched and often accepted; late ones maybe not sent."""
        rng = self.rng
        soon = stop.start - self.clock.virtual_now <= timedelta(hours=2)
        after_current = k == 0 or visits[k - 1].phase(self.clock.virtual_now) != "ahead"
        roll = rng.random()
        if soon or after_current:
            state = "accepted" if roll < 0.65 else "dispatched"
        else:
            state = "dispatched" if roll < 0.45 else "accepted" if roll < 0.65 else "assigned"
        if state == "assigned":
            return
        do_dispatch_job(self.s, DEMO_ACTOR, job)
        if state == "accepted":
            do_accept_job(self.s, self.actors[job.technician_id], job,
                          at=self.clock.real(accepted_at))

    def _field_day(self, job: Job, visit: Visit, accepted_at: datetime, *, finish: bool,
                   arrive: bool = True) -> None:
        """Dispatch, then the technician's taps up to where the visit has got."""
        actor, real, rng = self.actors[job.technician_id], self.clock.real, self.rng
        do_dispatch_job(self.s, DEMO_ACTOR, job)
        do_accept_job(self.s, actor, job, at=real(accepted_at))
        do_start_travel(self.s, actor, job, at=real(visit.travel))
        if not arrive:
            return
        do_arrive(self.s, actor, job, at=real(visit.arrive))
        if not finish:
            return
        job_type = job.job_type
        assert job_type is not None
        spec = next(jt for jt in data.JOB_TYPES if jt.name == job_type.name)
        photos = ([f"demo/photos/{_slug(spec.name, '-')}-{job.id}-{n}.jpg"
                   for n in range(1, rng.randint(1, 3) + 1)] if spec.photo else [])
        signed = spec.signature or rng.random() < 0.3
        do_complete_job(self.s, actor, job, notes=rng.choice(spec.fixes or ("Done.",)),
                        photos=photos,
                        signature_ref=f"demo/signatures/{job.id}.png" if signed else None,
                        signed_by=job.contact_name if signed else None,
                        at=real(visit.finish))

    def _incomplete(self, job: Job, visit: Visit, reason: IncompleteReason) -> None:
        """Closed unfinished, with why; the action drafts the follow-up job."""
        if reason is IncompleteReason.parts_needed:
            note, at = ("Needed part is not on the truck; ordered from the supply house, "
                        "ETA 2 days"), visit.finish
        elif reason is IncompleteReason.other:
            note, at = ("Customer called: the city shut off the building's water today; "
                        "rebook"), self.clock.virtual_now
        else:
            note, at = "No answer at the door or by phone; left a door tag", visit.arrive + 10 * MIN
        do_mark_incomplete(self.s, self.actors[job.technician_id], job, reason=reason,
                           note=note, follow_up=True, at=self.clock.real(at))

    def _last_position(self, idx: int, stops: list[Stop], visits: list[Visit]) -> None:
        """The phone's last fix: where the technician is now, or was last seen."""
        now, tech = self.clock.virtual_now, self.techs[idx]
        seen = [(s, v) for s, v in zip(stops, visits, strict=True) if v.travel <= now]
        if not seen:
            return
        stop, visit = seen[-1]
        site = self.sites[stop.site]
        lat, lon, at = site.lat, site.lon, min(now, visit.arrive + 3 * MIN)
        if visit.phase(now) == "en_route":
            if len(seen) > 1:
                prev = self.sites[seen[-2][0].site]
                lat0, lon0 = prev.lat, prev.lon
            else:
                lat0, lon0 = tech.home_lat, tech.home_lon
            share = (now - visit.travel) / max(visit.arrive - visit.travel, MIN)
            lat, lon = lat0 + (lat - lat0) * share, lon0 + (lon - lon0) * share
            at = now
        elif visit.phase(now) == "done":
            at = min(now, visit.finish + 2 * MIN)
        do_report_location(self.s, self.actors[tech.id], tech, lat=round(lat, 6),
                           lon=round(lon, 6), at=self.clock.real(at - MIN),
                           accuracy_m=float(self.rng.randint(5, 30)))

    def _tomorrow(self, booked: dict[int, list[Job]], cancel: int) -> None:
        """Tomorrow is planned; some of it is sent, and a few technicians looked already."""
        rng, clock = self.rng, self.clock
        jobs = [job for day in booked.values() for job in day]
        for job in rng.sample(jobs, min(cancel, len(jobs))):
            do_cancel_job(self.s, DEMO_ACTOR, job, reason=rng.choice(data.CANCEL_REASONS))
        for job in jobs:
            if job.status is not JobStatus.assigned or rng.random() >= 0.3:
                continue
            do_dispatch_job(self.s, DEMO_ACTOR, job)
            if rng.random() < 0.4:
                seen = clock.real(clock.virtual_now - rng.randint(10, 120) * MIN)
                do_accept_job(self.s, self.actors[job.technician_id], job, at=seen)

    def _free_site(self, day: date | None) -> int:
        """A random site whose customer has nothing else booked that day (if any is left)."""
        taken = self.taken[day] if day else set()
        for _ in range(500):
            site = self.rng.randrange(len(self.sites))
            if self.sites[site].customer not in taken:
                break
        taken.add(self.sites[site].customer)
        return site

    def _random_type(self, day: date) -> JobTypeSpec:
        return self.rng.choices(data.JOB_TYPES, [season_weight(jt, day)
                                                 for jt in data.JOB_TYPES])[0]

    def _queue(self, sizes: dict[str, int]) -> None:
        """Work nobody has yet: emergencies, booked-but-unassigned, not yet scheduled."""
        rng, clock, tz = self.rng, self.clock, self.tz
        by_name = {jt.name: jt for jt in data.JOB_TYPES}
        now_local = clock.virtual_now.astimezone(tz)
        start = now_local.replace(minute=now_local.minute - now_local.minute % 15, second=0,
                                  microsecond=0)
        emergencies = list(data.EMERGENCIES)
        rng.shuffle(emergencies)
        for name, text in emergencies[:sizes["emergency"]]:
            called = clock.real(clock.virtual_now - rng.randint(5, 45) * MIN)
            window = (start.astimezone(UTC), (start + timedelta(hours=3)).astimezone(UTC))
            self._book(self._free_site(self.today), by_name[name], windows=[window],
                       priority=Priority.emergency, description=text, booked=called)
            self.report.step("Queue")
        first_hour = max(9, now_local.hour + 1)
        for day, count in ((self.today, sizes["today"]), (self.tomorrow, sizes["tomorrow"])):
            for _ in range(count):
                when = day if day == self.tomorrow or first_hour <= 15 else self.tomorrow
                hour = rng.randint(first_hour, 15) if when == self.today else rng.randint(8, 15)
                begin = clock.at(when, f"{hour:02d}:00")
                window = (begin, begin + timedelta(hours=rng.choice((2, 3, 4))))
                self._book(self._free_site(when), self._random_type(when), windows=[window])
                self.report.step("Queue")
        for _ in range(sizes["unscheduled"]):
            job_type = self._random_type(self.today)
            text = f"{rng.choice(job_type.problems or (job_type.name,))}. " \
                   f"{rng.choice(data.UNSCHEDULED)}."
            self._book(self._free_site(None), job_type, windows=[],
                       priority=rng.choice((Priority.normal, Priority.low)), description=text)
            self.report.step("Queue")

    def _call_outs(self, call_outs: list[int]) -> None:
        """Sick this morning, after the day was planned: their jobs need a new home."""
        begins, ends = self.clock.at(self.today, "06:40"), self.clock.at(self.today, "23:59")
        for idx in call_outs:
            do_add_absence(self.s, DEMO_ACTOR, self.techs[idx], kind=AbsenceKind.call_out,
                           starts_at=begins, ends_at=ends, reason="sick")
        self.report.step("Call-outs")



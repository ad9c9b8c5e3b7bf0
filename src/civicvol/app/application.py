"""The civicvol application: the district's commands and queries over one event store.

Every command is made by an :class:`~civicvol.domain.values.Actor`. It is authorized by role,
decided by the aggregates, offered to the extensions' decision hooks, and saved in one
transaction with every aggregate whose state the decision read, so that a concurrent change
fails with :class:`~civicvol.domain.errors.ConcurrentChange` instead of committing a stale
decision. A refused command stores nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    EventStore,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    OperationalError,
    PersistenceError,
    Recording,
)
from eventsourcing.utils import get_topic

from civicvol.app.activities import CycleCommands
from civicvol.app.authorization import authorize, crediting_command
from civicvol.app.boundary import check_sequence, checked
from civicvol.app.extensions import Extensions
from civicvol.app.provenance import PROVENANCE_TOPICS, ProvenanceMapper
from civicvol.app.repository import CivicRepository
from civicvol.app.services import ServiceCatalogueCommands
from civicvol.app.stations import StationCommands
from civicvol.app.transcodings import register_value_transcodings
from civicvol.audit.privacy import KeyedEventStore, PersonalKeys
from civicvol.audit.recorders import as_chained
from civicvol.domain import clock
from civicvol.domain.errors import (
    AlreadyMember,
    AlreadyRegistered,
    ConcurrentChange,
    EntryNotFound,
    InvalidId,
    InvalidInput,
    InvalidTeamStructure,
    NotAMember,
    NotFound,
    OrderNotFound,
    PermissionDenied,
    StoreBusy,
    StoreError,
    TeamNotFound,
    VolunteerNotFound,
)
from civicvol.domain.points_scheme import PointsScheme
from civicvol.domain.topics import (
    MEMBERSHIP,
    POINT_ACCOUNT,
    SERVICE_ORDER,
    STATION,
    TEAM,
    VOLUNTEER,
)
from civicvol.domain.values import SYSTEM, Actor, Role, Source, TeamKind, check_points
from civicvol.i18n import N_, _
from civicvol.store import default_store_url, preparing_store, store_environment, store_name

if TYPE_CHECKING:
    from civicvol.domain.membership import Membership
    from civicvol.domain.point_account import PointAccount
    from civicvol.domain.service_order import ServiceOrder
    from civicvol.domain.team import Team
    from civicvol.domain.volunteer import Volunteer
    from civicvol.views import Views

A = TypeVar("A", bound=Aggregate)
P = TypeVar("P")

# By the aggregates' topics, so that opening the application imports none of their modules:
# a command loads only the aggregates it reads.
_NOT_FOUND: dict[str, type[NotFound]] = {
    VOLUNTEER: VolunteerNotFound,
    TEAM: TeamNotFound,
    SERVICE_ORDER: OrderNotFound,
}
_LISTED_BY: dict[str, str] = {
    VOLUNTEER: N_("'civicvol volunteer search' lists volunteers"),
    TEAM: N_("'civicvol team list' lists teams"),
    SERVICE_ORDER: N_("'civicvol order list' lists orders"),
}
_WHAT: dict[str, str] = {
    VOLUNTEER: "volunteer",
    TEAM: "team",
    SERVICE_ORDER: "order",
    MEMBERSHIP: "membership",
    POINT_ACCOUNT: "point account",
    STATION: "station",
}


class CivicVol(ServiceCatalogueCommands, CycleCommands, StationCommands, Application[UUID]):
    """One district's volunteer service, kept in the event store named by ``store``."""

    name = "civicvol"

    def __init__(
        self,
        store: str | None = None,
        *,
        points_scheme: PointsScheme | None = None,
        extensions: Extensions | None = None,
        env: dict[str, str] | None = None,
        create: bool = True,
    ) -> None:
        """Open the store; with ``create=False`` it must exist already
        (:class:`~civicvol.domain.errors.StoreMissing` otherwise). A database of another
        application is refused (:class:`~civicvol.domain.errors.NotACivicVolStore`)."""
        self.store_url = store or default_store_url()
        self.points_scheme = points_scheme or PointsScheme()
        self.extensions = extensions or Extensions()
        store_env = {**store_environment(self.store_url), **(env or {})}
        self.personal_keys = PersonalKeys()
        # Processes opening a fresh store at once take turns creating its tables.
        try:
            with preparing_store(store_env, create=create, name=store_name(self.store_url)):
                super().__init__(env=store_env)
        except (OSError, PersistenceError, sqlite3.Error) as error:  # e.g. not a database
            raise StoreError(
                _("cannot open store {store_name}: {error}").format(
                  store_name=store_name(self.store_url), error=error)).hinted(
                _("check that --store (or CIVICVOL_STORE) names a civicvol store")) from None

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_value_transcodings(transcoder, self.personal_keys)
        self.extensions.register_transcodings(transcoder)

    def construct_mapper(self) -> Mapper[UUID]:
        """A mapper that names the missing plug-in when a stored event's class is not found."""
        mapper = self.factory.mapper(transcoder=self.construct_transcoder(),
                                     mapper_class=ProvenanceMapper)
        assert isinstance(mapper, ProvenanceMapper)
        mapper.provenance_events = lambda: self.all_events(topics=PROVENANCE_TOPICS)
        return mapper

    def plugin(self, name: str, kind: type[P] = object) -> P:  # type: ignore[assignment]
        """The application service of the plug-in ``name`` (e.g. ``app.plugin("haircut-days",
        HaircutDays)``); raises :class:`~civicvol.plugins.errors.PluginNotLoaded`."""
        service = self.extensions.service(self, name)
        assert isinstance(service, kind)
        return service

    def construct_event_store(self) -> EventStore[UUID]:
        """Personal data is sealed with per-person keys kept in the store's own database."""
        self.personal_keys.attach(self.recorder)
        return KeyedEventStore(self.mapper, self.recorder, self.personal_keys)

    @property
    def views(self) -> Views:
        """The read side (:mod:`civicvol.views`): the core's views and the plug-ins'."""
        views = self.__dict__.get("_views")
        if views is None:
            from civicvol.views import CORE_VIEWS, Views

            views = Views(self, [*CORE_VIEWS, *self.extensions.views()])
            self.__dict__["_views"] = views
        return views

    def construct_repository(self) -> Repository[UUID]:
        """Aggregates replay without a runtime-protocol check per event (see the module)."""
        return CivicRepository.adopt(super().construct_repository())

    # --- the unit of work --------------------------------------------------------------------
    def commit(
        self, command: str, actor: Actor, *aggregates: Aggregate | None,
        reads: Iterable[Aggregate | None] = (),
    ) -> list[Recording[UUID]]:
        """Save the aggregates' new events in one transaction, after the decision hooks.

        ``reads`` are the aggregates the decision read but does not change (the team an
        order is dispatched to, the volunteer who accepts it): inside the same transaction
        each must still be at the version that was read, else nothing is stored and the
        command fails with :class:`ConcurrentChange`. An aggregate that is saved needs no
        entry: its own new events already conflict with any concurrent change.
        """
        processing = ProcessingEvent[UUID]()
        # What ProcessingEvent.collect_events does, without its isinstance checks against
        # runtime Protocols, which cost more than the collecting (a tenth of the demo's time).
        for aggregate in aggregates:
            if aggregate is not None:
                processing.events.extend(aggregate.collect_events())
                processing.aggregates[aggregate.id] = aggregate
        if not processing.events:
            return []
        read_set = [(a.id, a.version) for a in reads
                    if a is not None and a.id not in processing.aggregates]
        if read_set:
            processing.saved_kwargs["reads"] = read_set
        self.extensions.before_save(self, command, actor, processing.events)
        try:
            recordings = self._record(processing)
        except IntegrityError:
            raise ConcurrentChange(
                _("{replace} was not stored: someone changed the same record at the same "
                  "moment; look at it again and retry").format(
                  replace=command.replace('.', ' '))
            ) from None
        except OperationalError as error:
            if "lock" not in str(error).lower():
                raise
            raise StoreBusy(
                _("{replace} was not stored: the store stayed locked by another writer for "
                  "too long; nothing changed, retry in a moment").format(
                  replace=command.replace('.', ' '))
            ) from None
        self._take_snapshots(processing)
        self.extensions.after_commit(self, command, actor, recordings)
        return recordings

    @contextmanager
    def events_dated(self, moment: datetime) -> Iterator[None]:
        """Stamp the events of the commands made inside the block with a past moment.

        For importing a district's history (the demo, migrations): audit queries "as of" a
        date then see the history as it was lived.
        """
        with clock.frozen_at(moment):
            yield

    @contextmanager
    def bulk_import(self) -> Iterator[None]:
        """Import many transactions without waiting for the disk after each one.

        On SQLite each commit normally waits until the disk has the data; an import (the demo,
        a migration) can skip that and make everything durable once at the end of the block.
        A crash inside the block may lose the last imported transactions, never the store's
        consistency or its hash chain: run the import again. Other stores ignore this.
        """
        set_durable = getattr(self.recorder, "set_durable", None)
        if set_durable is None:
            yield
            return
        set_durable(False)
        try:
            yield
        finally:
            set_durable(True)

    # --- loading -----------------------------------------------------------------------------
    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate of that class with that id, or None."""
        found: Aggregate
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def load(self, cls: type[A], aggregate_id: UUID | str, *, what: str = "",
             not_found: type[NotFound] | None = None, hint: str = "") -> A:
        """The aggregate, or a NotFound error naming the id and saying where to look.

        Plug-ins name their record (``what="knitting drive"``), their own error class and
        a ``hint`` such as the command that lists them.
        """
        topic = get_topic(cls)
        what = what or _WHAT.get(topic, cls.__name__.lower())
        ident = parse_id(aggregate_id, what)
        aggregate = self.find(cls, ident)
        if aggregate is None:
            error = not_found or _NOT_FOUND.get(topic, NotFound)
            if hint:  # a plug-in's own words (it may name its listing command)
                raise error(_("no {what} with id {ident} in this store; {hint}").format(
                    what=_(what), ident=ident, hint=hint))
            raise error(_("no {what} with id {ident} in this store; check the id").format(
                what=_(what), ident=ident)).hinted(_(
                    "{listed}; and check that --store (or CIVICVOL_STORE) names the store it "
                    "was created in").format(listed=_(_LISTED_BY.get(
                        topic, N_("the id was printed when it was created")))))
        return aggregate

    def volunteer(self, volunteer_id: UUID | str) -> Volunteer:
        from civicvol.domain.volunteer import Volunteer

        return self.load(Volunteer, volunteer_id)

    def team(self, team_id: UUID | str) -> Team:
        from civicvol.domain.team import Team

        return self.load(Team, team_id)

    def order(self, order_id: UUID | str) -> ServiceOrder:
        from civicvol.domain.service_order import ServiceOrder

        return self.load(ServiceOrder, order_id)

    def membership(self, team_id: UUID, volunteer_id: UUID) -> Membership | None:
        from civicvol.domain.membership import Membership, membership_id

        return self.find(Membership, membership_id(team_id, volunteer_id))

    def member(self, team_id: UUID, volunteer_id: UUID) -> Membership:
        """The volunteer's active membership of the team, or :class:`NotAMember`."""
        from civicvol.domain.membership import check_is_member

        return check_is_member(self.membership(team_id, volunteer_id), team_id, volunteer_id)

    def point_account(self, volunteer_id: UUID | str) -> PointAccount | None:
        from civicvol.domain.point_account import PointAccount, point_account_id

        return self.find(PointAccount, point_account_id(parse_id(volunteer_id, "volunteer")))

    def _open_account(self, volunteer_id: UUID) -> PointAccount:
        """The volunteer's account, opened (by the system) on their first credit."""
        from civicvol.domain.point_account import PointAccount

        return self.point_account(volunteer_id) or PointAccount(volunteer_id=volunteer_id,
                                                               by=SYSTEM)

    # --- volunteers --------------------------------------------------------------------------
    @checked
    def register_volunteer(
        self, actor: Actor, name: str, phone: str, community: str,
        skills: Sequence[str] = (), national_number: str | None = None,
    ) -> UUID:
        """Register a person; ``national_number`` is their 全国志愿者编号, if they have one."""
        from civicvol.domain.volunteer import Volunteer

        authorize(actor, "volunteer.register")
        volunteer = Volunteer.register(name, phone, community, by=actor, skills=tuple(skills),
                                       national_number=national_number)
        self.check_phone_is_free(volunteer.contact.phone)
        self.check_national_numbers_are_free([volunteer.contact.national_number])
        self.commit("volunteer.register", actor, volunteer)
        return volunteer.id

    def check_phone_is_free(self, phone: str) -> None:
        """One person, one registration: a phone already on a serving volunteer's record is
        refused, naming who has it (found through the directory's blind index)."""
        for found in self.views.volunteers.search(phone=phone, limit=1):
            if found["status"] != "left":
                raise AlreadyRegistered(
                    _("phone {phone} is already registered to volunteer {id} ({name}, "
                      "{community}); update that record instead, or register with another "
                      "phone").format(
                      phone=phone, id=found['id'], name=found['name'],
                      community=found['community'])).hinted(
                      _("'civicvol volunteer show {id}' shows it").format(id=found['id']))

    def check_national_numbers_are_free(self, numbers: Iterable[str],
                                        volunteer_id: UUID | None = None) -> None:
        """One person, one registration, by the national volunteer number too: a number
        given twice, or on the record of a serving volunteer other than ``volunteer_id``, is
        refused, naming who has it (one look-up for them all)."""
        seen: set[str] = set()
        for number in numbers:
            if number in seen:
                raise AlreadyRegistered(_("national volunteer number {number} is given for "
                                          "two people; one person, one registration").format(
                                          number=number))
            if number:
                seen.add(number)
        if not seen:
            return
        for number, found in self.views.volunteers.with_national_numbers(sorted(seen)).items():
            for v in found:
                if v["status"] != "left" and v["id"] != str(volunteer_id):
                    raise AlreadyRegistered(_national_number_taken(number, v))

    @checked
    def register_volunteers(
        self, actor: Actor,
        people: Iterable[tuple[str, str, str, Sequence[str]]
                         | tuple[str, str, str, Sequence[str], str | None]],
    ) -> list[UUID]:
        """Register many volunteers in one transaction (imports, the demo): all or none.

        Each person is ``(name, phone, community, skills)``, or with a fifth item, their
        national volunteer number (None or "" for none); a number given twice, or already on
        a serving volunteer's record, refuses the whole batch (AlreadyRegistered)."""
        from civicvol.domain.volunteer import Volunteer

        authorize(actor, "volunteer.register")
        volunteers = [Volunteer.register(*person[:3], by=actor, skills=tuple(person[3]),
                                         national_number=person[4] if len(person) > 4 else "")
                      for person in people]
        self.check_national_numbers_are_free(v.contact.national_number for v in volunteers)
        self.commit("volunteer.register", actor, *volunteers)
        return [v.id for v in volunteers]

    @checked
    def record_national_number(self, actor: Actor, volunteer_id: UUID | str,
                               national_number: str) -> str:
        """Set or correct a volunteer's national volunteer number (a change of their contact
        details, allowed to whom may update them). Returns the number as kept."""
        authorize(actor, "volunteer.update_contact")
        volunteer = self.volunteer(volunteer_id)
        check_acts_for_self(actor, volunteer.id)
        kept = volunteer.record_national_number(national_number, by=actor)
        self.check_national_numbers_are_free([kept], volunteer.id)
        self.commit("volunteer.update_contact", actor, volunteer)
        return kept

    @checked
    def update_contact(self, actor: Actor, volunteer_id: UUID | str, name: str,
                       phone: str) -> None:
        authorize(actor, "volunteer.update_contact")
        volunteer = self.volunteer(volunteer_id)
        check_acts_for_self(actor, volunteer.id)
        volunteer.update_contact(name, phone, by=actor)
        self.commit("volunteer.update_contact", actor, volunteer)

    @checked
    def suspend_volunteer(self, actor: Actor, volunteer_id: UUID | str, reason: str) -> None:
        authorize(actor, "volunteer.suspend")
        volunteer = self.volunteer(volunteer_id)
        volunteer.suspend(reason, by=actor)
        self.commit("volunteer.suspend", actor, volunteer)

    @checked
    def reactivate_volunteer(self, actor: Actor, volunteer_id: UUID | str) -> None:
        authorize(actor, "volunteer.reactivate")
        volunteer = self.volunteer(volunteer_id)
        volunteer.reactivate(by=actor)
        self.commit("volunteer.reactivate", actor, volunteer)

    @checked
    def volunteer_leaves(self, actor: Actor, volunteer_id: UUID | str, reason: str = "") -> None:
        authorize(actor, "volunteer.leave")
        volunteer = self.volunteer(volunteer_id)
        check_acts_for_self(actor, volunteer.id)
        volunteer.leave(reason, by=actor)
        self.commit("volunteer.leave", actor, volunteer)

    def check_leads(self, actor: Actor, team: Team, doing: str = "change its members") -> None:
        """Let only an administrator or an active leader of ``team`` go on; refuse everyone
        else with :class:`PermissionDenied` saying what they may not do (``doing``, in the
        command's own words: "cancel its haircut sessions")."""
        check_leads_team(actor, team, doing)
        if actor.role == Role.LEADER.value:
            self.volunteer(actor.id).check_is_active()

    # --- teams -------------------------------------------------------------------------------
    @checked
    def create_team(
        self, actor: Actor, name: str, kind: TeamKind | str,
        parent: UUID | str | None = None, community: str = "",
    ) -> UUID:
        from civicvol.domain.team import Team

        authorize(actor, "team.create")
        parent_team = self.team(parent) if parent else None
        team = Team.create(name, kind, by=actor, parent=parent_team, community=community)
        if team.kind is TeamKind.CORPS:
            for corps in self.views.teams.list(kind="corps", include_dissolved=False, limit=1):
                raise InvalidTeamStructure(
                    _("the district has its corps already: {name!r} ({id}); a district has "
                      "one corps: create a standing or special team under it").format(
                      name=corps['name'], id=corps['id'])).hinted(
                    _("--parent {id}").format(id=corps["id"]))
        self.commit("team.create", actor, team)
        return team.id

    @checked
    def join_team(self, actor: Actor, team_id: UUID | str, volunteer_id: UUID | str) -> None:
        from civicvol.domain.membership import Membership

        authorize(actor, "team.join")
        team, volunteer = self.team(team_id), self.volunteer(volunteer_id)
        self.check_leads(actor, team)
        team.check_is_not_dissolved()
        volunteer.check_is_active()
        membership = self.membership(team.id, volunteer.id)
        if membership is None:
            membership = Membership(team_id=team.id, volunteer_id=volunteer.id, by=actor)
        else:
            membership.rejoin(by=actor)
        self.commit("team.join", actor, membership, reads=[team, volunteer])

    @checked
    def join_team_in_bulk(self, actor: Actor, team_id: UUID,
                          volunteer_ids: Sequence[UUID]) -> None:
        """Add newly registered volunteers to a team in one transaction (imports, the demo).

        The volunteers must exist, be active and not yet be members (else VolunteerNotFound,
        VolunteerNotActive or AlreadyMember, and nobody joins).
        """
        from civicvol.domain.membership import Membership

        authorize(actor, "team.join")
        team = self.team(team_id)
        self.check_leads(actor, team)
        team.check_is_not_dissolved()
        volunteers = [self.volunteer(cast(UUID, v))
                      for v in check_sequence(volunteer_ids, "volunteer ids")]
        for volunteer in volunteers:
            volunteer.check_is_active()
            if self.membership(team.id, volunteer.id) is not None:
                raise AlreadyMember(
                    _("volunteer {id} is or was already a member of team {name!r}; join them "
                      "one at a time instead, which lets a former member rejoin").format(
                      id=volunteer.id, name=team.name)).hinted(
                      _("the leader adds them with 'civicvol team join'"))
        members = [Membership(team_id=team.id, volunteer_id=v.id, by=actor) for v in volunteers]
        self.commit("team.join", actor, *members, reads=[team, *volunteers])

    @checked
    def leave_team(self, actor: Actor, team_id: UUID | str, volunteer_id: UUID | str,
                   reason: str = "") -> None:
        authorize(actor, "team.leave")
        team, volunteer = self.team(team_id), self.volunteer(volunteer_id)
        if actor.role == Role.VOLUNTEER.value:
            check_acts_for_self(actor, volunteer.id)
        else:
            self.check_leads(actor, team)
        membership = self.membership(team.id, volunteer.id)
        if membership is None or not membership.active:
            raise NotAMember(_("volunteer {id} is not a member of team {name!r}, so there "
                               "is nothing to take them off").format(
                               id=volunteer.id, name=team.name))
        membership.leave(reason, by=actor)
        if volunteer.id in team.leaders:
            # A leader must be a member: one who leaves the team stops leading it.
            team.stand_down_leader(volunteer.id, by=actor)
        self.commit("team.leave", actor, membership, team)

    @checked
    def appoint_leader(self, actor: Actor, team_id: UUID | str,
                       volunteer_id: UUID | str) -> None:
        authorize(actor, "team.appoint_leader")
        team, volunteer = self.team(team_id), self.volunteer(volunteer_id)
        membership = self.member(team.id, volunteer.id)
        team.appoint_leader(volunteer.id, by=actor)
        self.commit("team.appoint_leader", actor, team, reads=[membership, volunteer])

    @checked
    def stand_down_leader(self, actor: Actor, team_id: UUID | str,
                          volunteer_id: UUID | str) -> None:
        authorize(actor, "team.stand_down_leader")
        team = self.team(team_id)
        team.stand_down_leader(parse_id(volunteer_id, "volunteer"), by=actor)
        self.commit("team.stand_down_leader", actor, team)

    @checked
    def dissolve_team(self, actor: Actor, team_id: UUID | str, reason: str) -> None:
        authorize(actor, "team.dissolve")
        team = self.team(team_id)
        team.dissolve(reason, by=actor)
        self.commit("team.dissolve", actor, team)

    # --- service orders: 点单 → 派单 → 接单 → 评单 -----------------------------------------------
    @checked
    def place_order(
        self, actor: Actor, service: str, description: str = "", place: str = "",
        wanted_time: str = "", beneficiaries: Sequence[str] = (), channel: str = "platform",
        attributes: Mapping[str, str | Sequence[str]] | None = None,
        position: tuple[float, float] | None = None,
        volunteers: int = 1,
    ) -> UUID:
        """``service`` names a service of the catalogue by code or name (its ``attributes``
        checked against the definition); a district without a catalogue takes free text
        (see :mod:`civicvol.app.services`). ``volunteers`` > 1 makes it an activity; where
        the district reviews orders, it waits for the centre's review (``review_order``)."""
        from civicvol.domain.service_order import ServiceOrder

        authorize(actor, "order.place")
        catalogue = self.service_catalogue()
        definition = self.service_for_order(service, catalogue)
        if definition is None and attributes:
            raise InvalidInput(_("service {service!r} is free text, not a service of the "
                                 "catalogue, so it takes no attributes").format(service=service))
        order = ServiceOrder.place_order(
            requester=actor.id, service=definition.name_zh if definition else service,
            by=actor, description=description, place=place, wanted_time=wanted_time,
            beneficiaries=tuple(beneficiaries), channel=channel,
            service_code=definition.code if definition else "",
            attributes=definition.check_attributes(attributes or {}) if definition else {},
            position=position,
            volunteers=volunteers,
            under_review=bool(self.district_settings()["review_orders"]),
        )
        # Placed on the catalogue as read: a concurrent retirement makes this fail.
        self.commit("order.place", actor, order, reads=[catalogue])
        return order.id

    @checked
    def dispatch_order(self, actor: Actor, order_id: UUID | str, team_id: UUID | str) -> None:
        authorize(actor, "order.dispatch")
        order, team = self.order(order_id), self.team(team_id)
        team.check_is_not_dissolved()
        order.dispatch(team.id, by=actor)
        self.commit("order.dispatch", actor, order, reads=[team])

    @checked
    def accept_order(self, actor: Actor, order_id: UUID | str, *,
                     retrying: bool = False) -> None:
        """A member of the dispatched team takes the order; the membership records it too,
        so a concurrent leave and accept cannot both commit."""
        authorize(actor, "order.accept")
        order = self.order(order_id)
        if order.is_activity and not retrying:
            # Many accept an activity at once: each is decided again until in or full.
            self.accept_with_retries(actor, order.id)
            return
        volunteer = self.volunteer(actor.id)
        volunteer.check_is_active()
        order.accept(volunteer.id, by=actor)
        assert order.team_id is not None
        membership = self.member(order.team_id, volunteer.id)
        membership.take_order(order.id, by=actor)
        self.commit("order.accept", actor, order, membership, reads=[volunteer])

    @checked
    def decline_order(self, actor: Actor, order_id: UUID | str, reason: str) -> None:
        authorize(actor, "order.decline")
        order = self.order(order_id)
        volunteer = self.volunteer(actor.id)
        if order.team_id is not None and order.volunteer_id is None:
            # A dispatched order is declined for the team by one of its members.
            self.member(order.team_id, volunteer.id)
        order.decline(volunteer.id, reason, by=actor)
        self.commit("order.decline", actor, order)

    @checked
    def complete_order(self, actor: Actor, order_id: UUID | str,
                       hours: Decimal | float | str, served: int = 0) -> None:
        """The accepting volunteer completes the order; their hours and points are recorded
        in the same transaction."""
        authorize(actor, "order.complete")
        order = self.order(order_id)
        volunteer = self.volunteer(actor.id)
        order.complete(volunteer.id, hours, served, by=actor)
        assert order.team_id is not None
        # Only a member still serving on the team completes its order; a concurrent leave
        # makes this fail rather than credit a volunteer who is no longer on the team.
        membership = self.member(order.team_id, volunteer.id)
        volunteer.record_service(order.id, order.hours, by=actor)
        points = self.extensions.points_for_order(self, order, self.points_scheme)
        account = None  # a scheme that pays nothing for this order opens no empty account
        if points > 0:
            account = self._open_account(volunteer.id)
            account.credit(points, Source("order", str(order.id)), by=actor,
                           approved=self.points_scheme.auto_approve)
        self.commit("order.complete", actor, order, volunteer, account, reads=[membership])

    @checked
    def rate_order(self, actor: Actor, order_id: UUID | str, stars: int,
                   comment: str = "") -> None:
        authorize(actor, "order.rate")
        order = self.order(order_id)
        order.rate(actor.id, stars, comment, by=actor)
        self.commit("order.rate", actor, order)

    @checked
    def cancel_order(self, actor: Actor, order_id: UUID | str, reason: str) -> None:
        authorize(actor, "order.cancel")
        order = self.order(order_id)
        if actor.role == Role.RESIDENT.value:
            order.check_is_requester(actor.id)
        order.cancel(reason, by=actor)
        self.commit("order.cancel", actor, order)

    # --- points ------------------------------------------------------------------------------
    @checked
    def credit_points(
        self, actor: Actor, volunteer_id: UUID | str, points: int, source: Source,
        *, with_aggregates: Sequence[Aggregate] = (), reads: Iterable[Aggregate] = (),
    ) -> bool:
        """Credit points earned by ``source`` (plug-ins: a clue, a session ...).

        See :meth:`credit_many`. Returns False, storing only ``with_aggregates``, if the
        source was credited before.
        """
        credited = self.credit_many(actor, [(volunteer_id, points)], source,
                                    with_aggregates=with_aggregates, reads=reads)
        return bool(credited)

    @checked
    def credit_many(
        self, actor: Actor, credits: Sequence[tuple[UUID | str, int]], source: Source,
        *, with_aggregates: Sequence[Aggregate] = (), reads: Iterable[Aggregate] = (),
    ) -> dict[UUID, int]:
        """Credit several volunteers for one source (the barbers of a session), in one
        transaction with ``with_aggregates`` (checking ``reads`` as :meth:`commit` does).

        The command is the one that registered the source's kind (``grant(command, *roles,
        credits=[kind])``), and the actor must be granted it; whether the credits skip the
        points audit is the points scheme's decision (``PointsScheme.auto_approve``).
        The plug-ins' points rules decide each credit; a credit they make 0 is skipped
        (asking for 0 or fewer points is refused). Returns the points credited to each
        volunteer; one already credited for ``source`` is left out."""
        command = crediting_command(source)
        authorize(actor, command)
        auto = self.points_scheme.auto_approve
        accounts: dict[UUID, PointAccount] = {}
        credited: dict[UUID, int] = {}
        for credit in check_sequence(credits, "credits"):
            if not isinstance(credit, tuple) or len(credit) != 2:
                raise InvalidInput(_("credit {credit!r} is not a (volunteer id, points) "
                                     "pair").format(credit=credit))
            volunteer_id, asked = credit
            check_points(asked)
            volunteer = self.volunteer(volunteer_id)
            volunteer.check_has_not_left()
            points = self.extensions.points_for_credit(self, volunteer.id, asked, source)
            if points <= 0:
                continue
            account = accounts.get(volunteer.id) or self._open_account(volunteer.id)
            accounts[volunteer.id] = account
            if account.credit(points, source, by=actor, approved=auto):
                credited[volunteer.id] = points
        self.commit(command, actor, *with_aggregates, *accounts.values(), reads=reads)
        return credited

    @checked
    def approve_points(self, actor: Actor, volunteer_id: UUID | str,
                       entry_id: str | None = None) -> list[str]:
        """Approve one pending credit, or every pending credit when ``entry_id`` is None."""
        authorize(actor, "points.approve")
        account = self._existing_account(volunteer_id)
        check_not_own_account(actor, account, "approve")
        if entry_id is None:
            entry_ids = [e.entry_id for e in account.pending_entries()]
        else:
            entry_ids = [entry_id]
        for entry in entry_ids:
            account.approve(entry, by=actor)
        self.commit("points.approve", actor, account)
        return entry_ids

    @checked
    def reject_points(self, actor: Actor, volunteer_id: UUID | str, entry_id: str,
                      reason: str) -> None:
        authorize(actor, "points.reject")
        account = self._existing_account(volunteer_id)
        check_not_own_account(actor, account, "reject")
        account.reject(entry_id, reason, by=actor)
        self.commit("points.reject", actor, account)

    @checked
    def reverse_points(self, actor: Actor, volunteer_id: UUID | str, entry_id: str,
                       reason: str) -> None:
        authorize(actor, "points.reverse")
        account = self._existing_account(volunteer_id)
        account.reverse(entry_id, reason, by=actor)
        self.commit("points.reverse", actor, account)

    @checked
    def redeem_points(self, actor: Actor, volunteer_id: UUID | str, points: int, gift: str,
                      station: str) -> str:
        authorize(actor, "points.redeem")
        account = self._existing_account(volunteer_id)
        check_not_own_account(actor, account, "redeem")
        self.check_direct_redemption(account, station)
        entry_id = account.redeem(points, gift, station, by=actor)
        self.commit("points.redeem", actor, account)
        return entry_id

    def _existing_account(self, volunteer_id: UUID | str) -> PointAccount:
        volunteer = self.volunteer(volunteer_id)
        account = self.point_account(volunteer.id)
        if account is None:
            raise EntryNotFound(
                _("volunteer {id} has earned no points yet; there is nothing to approve or "
                  "redeem").format(id=volunteer.id)
            )
        return account

    # --- the log -----------------------------------------------------------------------------
    def event_count(self) -> int:
        """The events in the store, counted from the audit chain: PostgreSQL's notification
        ids have gaps where a refused write took a number from the sequence."""
        return as_chained(self.recorder).chain_head()[0]

    def all_events(self, page: int = 1000, topics: Sequence[str] = ()) -> Iterator[Any]:
        """Every stored event in log order, as eventsourcing's notifications (the stored bytes,
        with ``id``, ``originator_id``, ``originator_version``, ``topic`` and ``state``), read
        page by page (memory does not grow with the log); ``topics`` keeps only those topics.
        For the domain events themselves, use :meth:`decoded_events`."""
        start = 1
        while True:
            notifications = self.recorder.select_notifications(start, page, topics=topics)
            if not notifications:
                return
            yield from notifications
            start = notifications[-1].id + 1

    def decoded_events(self, page: int = 1000,
                       topics: Sequence[str] = ()) -> Iterator[tuple[int, Any]]:
        """``(position, domain event)`` for every stored event in log order: the position is
        the event's notification id (the one a hook's ``recordings`` carry), the event is
        decoded as the application reads it (``self.mapper.to_domain_event``)."""
        for notification in self.all_events(page, topics):
            yield notification.id, self.mapper.to_domain_event(notification)


def _national_number_taken(number: str, found: dict[str, Any]) -> str:
    return _("national volunteer number {number} is already on the record of volunteer {id} "
             "({name}, {community}); update that record instead, or check the number").format(
             number=number, id=found["id"], name=found["name"], community=found["community"])


def parse_id(value: UUID | str, what: str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value).strip())
    except ValueError:
        article = "an" if what[:1] in "aeiou" else "a"
        raise InvalidId(
            _("{value!r} is not {article} {what} id; ids look like 3f2b9c1e-...; copy it "
              "from the command that created it").format(
              value=value, article=article, what=_(what))
        ) from None


def check_acts_for_self(actor: Actor, volunteer_id: UUID) -> None:
    if actor.role == Role.VOLUNTEER.value and actor.id != str(volunteer_id):
        raise PermissionDenied(
            _("volunteer {id} may do this only for themself, not for {volunteer_id}; an "
              "administrator may do it for anyone").format(
              id=actor.id, volunteer_id=volunteer_id)
        ).hinted(_("act with --as administrator:ID"))


def check_not_own_account(actor: Actor, account: PointAccount, action: str) -> None:
    """Separation of duties: nobody audits or spends their own points."""
    if actor.id == str(account.volunteer_id):
        raise PermissionDenied(
            _("{actor} may not {action} points on their own account; another {role} must "
              "do it").format(actor=actor, action=action, role=actor.role))


def check_leads_team(actor: Actor, team: Team, doing: str = "change its members") -> None:
    """Refuse anyone but an administrator or a leader of ``team`` (see ``check_leads``)."""
    if actor.role == Role.ADMINISTRATOR.value:
        return
    if actor.role != Role.LEADER.value:
        raise PermissionDenied(
            _("{role} {id} may not {doing} for team {name!r}; only its leaders or an "
              "administrator may").format(
              role=actor.role, id=actor.id, doing=_(doing), name=team.name)
        ).hinted(_("act with --as leader:VOLUNTEER_ID"))
    if parse_id(actor.id, "volunteer") not in team.leaders:
        raise PermissionDenied(
            _("{id} does not lead team {name!r}; only its leaders or an administrator may "
              "{doing}").format(id=actor.id, name=team.name, doing=_(doing))
        )


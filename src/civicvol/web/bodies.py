"""The JSON bodies of the staff API's commands: shapes and sizes here, the rules in the
domain (which refuses bad text, hours, stars ... with its own errors)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from civicvol.app.application import parse_id

Text = Annotated[str, StringConstraints(max_length=2000)]
Line = Annotated[str, StringConstraints(max_length=200)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewVolunteer(Body):
    name: Line
    phone: Line
    community: Line
    skills: Annotated[list[Line], Field(max_length=50)] = []
    national_number: Line | None = None  # 全国志愿者编号, checked by the domain


class Contact(Body):
    name: Line
    phone: Line


class NationalNumber(Body):
    national_number: Line


class Reason(Body):
    reason: Text


class MaybeReason(Body):
    reason: Text = ""


class NewTeam(Body):
    name: Line
    kind: Line
    parent: Id | None = None
    community: Line = ""


class VolunteerRef(Body):
    volunteer_id: Id


class NewOrder(Body):
    service: Line
    description: Text = ""
    place: Line = ""
    wanted_time: Line = ""
    beneficiaries: Annotated[list[Line], Field(max_length=20)] = []
    channel: Line = "platform"


class Dispatch(Body):
    team_id: Id


class Completion(Body):
    hours: Annotated[str, StringConstraints(max_length=20)] | Annotated[float, Field(
        ge=-1e6, le=1e6)]
    served: Annotated[int, Field(ge=0, le=1_000_000)] = 0


class Rating(Body):
    stars: Annotated[int, Field(ge=-100, le=100)]
    comment: Text = ""


class Approval(Body):
    entry_id: Id | None = None


class EntryReason(Body):
    entry_id: Id
    reason: Text


class Redemption(Body):
    points: Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
    gift: Line
    station: Line


class Created(BaseModel):
    id: str


class Done(BaseModel):
    id: str
    command: str

    @classmethod
    def of(cls, what: str, ident: str, command: str) -> Done:
        """What a command on the record ``ident`` (a ``what``: order, volunteer, team)
        answers, with the id as parsed (an unparsable one is refused as InvalidId)."""
        return cls(id=str(parse_id(ident, what)), command=command)

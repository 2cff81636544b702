"""The organisation file: its shape, validated before anything touches the database."""

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

Role = Literal["admin", "reviewer", "viewer", "privacy"]
CHANNELS = ("telegram", "zalo", "webchat")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnitSpec(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=40)
    clusters: list[str] = []
    chats: dict[Literal["telegram", "zalo", "webchat"], list[str]] = {}
    children: list["UnitSpec"] = []


class ClusterSpec(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)


class RoleSpec(_Strict):
    role: Role
    unit: str


class StaffSpec(_Strict):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    full_name: str = Field(min_length=1, max_length=200)
    accounts: dict[Literal["telegram", "zalo"], str] = {}
    roles: list[RoleSpec] = []


class OrgSpec(_Strict):
    name: str
    clusters: list[ClusterSpec] = []
    units: list[UnitSpec]
    staff: list[StaffSpec] = []

    def walk(self) -> list[tuple[UnitSpec, str | None]]:
        """Every unit with its parent's code, parents before children."""
        out: list[tuple[UnitSpec, str | None]] = []
        stack: list[tuple[UnitSpec, str | None]] = [(u, None) for u in reversed(self.units)]
        while stack:
            unit, parent = stack.pop()
            out.append((unit, parent))
            stack.extend((child, unit.code) for child in reversed(unit.children))
        return out

    @model_validator(mode="after")
    def _references_resolve(self) -> "OrgSpec":
        codes = [unit.code for unit, _ in self.walk()]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise ValueError(f"unit codes used twice: {', '.join(duplicated)}")
        known_units = set(codes)
        known_clusters = {c.code for c in self.clusters}
        for unit, _ in self.walk():
            missing = set(unit.clusters) - known_clusters
            if missing:
                raise ValueError(f"unit {unit.code}: unknown clusters {sorted(missing)}")
        usernames = [s.username for s in self.staff]
        if len(usernames) != len(set(usernames)):
            raise ValueError("a staff username is used twice")
        for person in self.staff:
            for role in person.roles:
                if role.unit not in known_units:
                    raise ValueError(f"staff {person.username}: unknown unit {role.unit}")
        return self


def read_org_file(path: Path) -> OrgSpec:
    return OrgSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))

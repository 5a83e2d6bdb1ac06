"""Who may export what: the Satu Data roles (roles.yml, shipped with the package) and a deployment's assignment of
people to roles and scopes (the YAML file SEPAKAT_ROLES names, `roles.yml` beside the warehouse by default):

    users:
      ani: {role: walidata, scope: "53"}      # the province's walidata: every regency of province 53
      budi: {role: opd_sosial, scope: "5371"} # Kota Kupang's social office: its own regency only

The caller is the operating-system account running the command, or the name given with `--user`. This is an
authorisation check on a shared server's command line, not authentication: whoever can run the command as an
account with read access to the warehouse can name any user, so the real boundary is who may log in and read the
warehouse folder (docs/operations.md). The check keeps honest people inside their mandate, and the export log
records both the name given and the account that ran the command.
"""

from __future__ import annotations

import functools
import getpass
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sepakat_dagster import paths

ROLES_PATH = Path(__file__).with_name("roles.yml")
SCOPE_LEVELS = {"province": 2, "regency": 4}
"""Each scope level and the length of its Kemendagri code."""


class AccessError(ValueError):
    """A role or assignment file that does not hold together: named with the file, never with a person's data."""


class Refused(Exception):
    """The caller may not make this export; the message says why in terms of roles, scopes and region codes."""


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    may_export_by_name: bool
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Caller:
    """Who asks: the user name, and their role and scope when the assignment file lists them."""

    user: str
    role: Role | None = None
    scope: str | None = None

    def covers(self, regency_code: str) -> bool:
        """A province scope covers its regencies (same first two digits); a regency scope covers itself."""
        return self.scope is not None and regency_code.startswith(self.scope)


@functools.cache
def load_roles(path: Path = ROLES_PATH) -> dict[str, Role]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["roles"]
    roles = {}
    for name, spec in raw.items():
        scopes = tuple(spec["scopes"])
        if not scopes or set(scopes) - set(SCOPE_LEVELS):
            raise AccessError(f"{path}: role {name}: scopes must be among {', '.join(SCOPE_LEVELS)}")
        roles[name] = Role(name, " ".join(spec["description"].split()), bool(spec["may_export_by_name"]), scopes)
    return roles


def scope_level(scope: str) -> str | None:
    """'province' for a 2-digit code, 'regency' for a 4-digit one, None otherwise."""
    for level, digits in SCOPE_LEVELS.items():
        if re.fullmatch(rf"[0-9]{{{digits}}}", scope):
            return level
    return None


def assignments_path(warehouse: Path) -> Path:
    """SEPAKAT_ROLES when set, else roles.yml beside the warehouse the command reads."""
    return paths.ROLES.path() if paths.ROLES.is_set() else warehouse.parent / "roles.yml"


def load_assignments(path: Path) -> dict[str, tuple[Role, str]]:
    """user -> (role, scope) from a deployment's file; no file, no assignments. A role the settings do not define, or
    a scope its role may not hold, refuses the whole file: a typo must not grant or silently drop a mandate."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    roles = load_roles()
    assignments = {}
    for user, spec in (raw.get("users") or {}).items():
        role = roles.get(str(spec.get("role")))
        if role is None:
            raise AccessError(f"{path}: user {user}: unknown role {spec.get('role')!r}; the roles are "
                              f"{', '.join(roles)}")
        scope = str(spec.get("scope", "")).replace(".", "")
        if scope_level(scope) not in role.scopes:
            raise AccessError(f"{path}: user {user}: scope {scope!r} is not a 2-digit province or 4-digit regency "
                              f"code this role ({role.name}) may hold")
        assignments[str(user)] = (role, scope)
    return assignments


def os_user() -> str:
    """The operating-system account running the command."""
    return getpass.getuser()


def identify(user: str | None, assignments_file: Path) -> Caller:
    """The caller named `user` (by default the OS account) with their role and scope, if assigned."""
    name = user or os_user()
    assigned = load_assignments(assignments_file).get(name)
    return Caller(name, *assigned) if assigned else Caller(name)


def assign_demo_walidata(path: Path, province: str) -> bool:
    """For the demo's synthetic province only: make the account running it the province's walidata, so that the
    README's by-name export works, when no assignment file exists yet (a deployment's own is never touched)."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Written by `sepakat demo` for its synthetic province; a deployment writes its own.\n"
                    + yaml.safe_dump({"users": {os_user(): {"role": "walidata", "scope": province}}}),
                    encoding="utf-8")
    return True


def authorise_by_name(caller: Caller, regency_code: str) -> None:
    """Raise Refused unless the caller's role may export by name and their scope covers `regency_code`."""
    if caller.role is None:
        raise Refused(f"user {caller.user} has no role in the assignment file: a by-name export needs a role that "
                      "may export by name (ask the walidata to assign one)")
    if not caller.role.may_export_by_name:
        allowed = ", ".join(name for name, role in load_roles().items() if role.may_export_by_name)
        raise Refused(f"user {caller.user} is {caller.role.name}, which may not export by name (roles that may: "
                      f"{allowed}); publishable tables (--table) need no role")
    if not caller.covers(regency_code):
        raise Refused(f"user {caller.user} ({caller.role.name}) has scope {caller.scope}, which does not cover "
                      f"regency {regency_code}")

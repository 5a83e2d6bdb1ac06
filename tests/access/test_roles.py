"""The Satu Data roles: which role may export by name, which scope covers which regency, and assignment files that
would grant or drop a mandate by a typo are refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sepakat_dagster.access.roles import (
    AccessError,
    Refused,
    assign_demo_walidata,
    assignments_path,
    authorise_by_name,
    identify,
    load_assignments,
    load_roles,
)


def assign(path: Path, users: dict) -> Path:
    path.write_text(yaml.safe_dump({"users": users}), encoding="utf-8")
    return path


@pytest.fixture
def roles_file(tmp_path: Path) -> Path:
    return assign(tmp_path / "roles.yml", {
        "ani": {"role": "walidata", "scope": "53"},
        "budi": {"role": "opd_sosial", "scope": "53.71"},
        "citra": {"role": "pembina_data", "scope": "53"},
        "dewi": {"role": "walidata", "scope": "5301"},
    })


def test_the_settings_define_the_satu_data_roles_and_only_some_export_by_name():
    roles = load_roles()
    assert {"walidata", "walidata_pendukung", "produsen_data", "pembina_data", "opd_sosial"} <= set(roles)
    assert {name for name, role in roles.items() if role.may_export_by_name} == {"walidata", "opd_sosial"}


@pytest.mark.parametrize(("user", "regency", "allowed"), [
    ("ani", "5371", True),    # the province's walidata: every regency of the province
    ("ani", "5301", True),
    ("ani", "7501", False),   # ... but not another province's
    ("budi", "5371", True),   # a regency's social office: its own regency (the dotted code is read as 5371)
    ("budi", "5301", False),  # ... and no other
    ("dewi", "5301", True),   # a regency's walidata: its own regency
    ("dewi", "5371", False),
    ("citra", "5371", False),  # BPS as pembina data: aggregate tables only
    ("eko", "5371", False),    # not in the file: no role
])
def test_a_by_name_export_needs_a_role_that_may_and_a_scope_covering_the_regency(roles_file, user, regency,
                                                                                  allowed):
    caller = identify(user, roles_file)
    if allowed:
        authorise_by_name(caller, regency)
    else:
        with pytest.raises(Refused, match=f"user {user} "):
            authorise_by_name(caller, regency)


def test_the_refusal_says_why(roles_file):
    with pytest.raises(Refused, match="scope 5371, which does not cover regency 5301"):
        authorise_by_name(identify("budi", roles_file), "5301")
    with pytest.raises(Refused, match="pembina_data, which may not export by name"):
        authorise_by_name(identify("citra", roles_file), "5371")
    with pytest.raises(Refused, match="has no role"):
        authorise_by_name(identify("eko", roles_file), "5371")


def test_without_a_file_nobody_has_a_role_and_the_os_account_is_the_default_caller(tmp_path: Path):
    caller = identify(None, tmp_path / "absent.yml")
    assert caller.user and caller.role is None
    with pytest.raises(Refused):
        authorise_by_name(caller, "5371")


@pytest.mark.parametrize(("spec", "message"), [
    ({"role": "walidta", "scope": "53"}, "unknown role 'walidta'"),
    ({"role": "walidata", "scope": "537"}, "scope '537'"),
    ({"role": "walidata"}, "scope ''"),
])
def test_an_assignment_with_a_typo_refuses_the_whole_file(tmp_path: Path, spec, message):
    path = assign(tmp_path / "roles.yml", {"ani": {"role": "walidata", "scope": "53"}, "budi": spec})
    with pytest.raises(AccessError, match=message):
        load_assignments(path)


def test_the_assignment_file_is_the_variable_or_beside_the_warehouse(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SEPAKAT_ROLES", raising=False)
    assert assignments_path(tmp_path / "wh" / "warehouse.duckdb") == tmp_path / "wh" / "roles.yml"
    monkeypatch.setenv("SEPAKAT_ROLES", str(tmp_path / "etc" / "roles.yml"))
    assert assignments_path(tmp_path / "wh" / "warehouse.duckdb") == tmp_path / "etc" / "roles.yml"


def test_the_demo_makes_its_operator_the_walidata_but_never_touches_a_deployment_file(roles_file, tmp_path: Path):
    demo = tmp_path / "demo" / "roles.yml"
    assert assign_demo_walidata(demo, "75")
    authorise_by_name(identify(None, demo), "7571")
    before = roles_file.read_text()
    assert not assign_demo_walidata(roles_file, "75")
    assert roles_file.read_text() == before

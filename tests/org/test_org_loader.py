"""Loading the organisation file: any depth, idempotent, validated."""

import pytest
import yaml
from pydantic import ValidationError
from sqlmodel import select

from storage.models import Staff, StaffRole, Unit, UnitChat, UnitCluster
from storage.org.file import OrgSpec, read_org_file
from storage.org.loader import load_org
from tests.conftest import ORG_DEMO


async def counts(db):
    async with db.sessions() as session:
        return {model.__name__: len((await session.exec(select(model))).all())
                for model in (Unit, UnitChat, UnitCluster, Staff, StaffRole)}


async def test_demo_org_loads_with_the_fourteen_ba_dinh_wards(empty_db):
    async with empty_db.sessions() as session:
        report = await load_org(session, read_org_file(ORG_DEMO))
        wards = (await session.exec(select(Unit).where(Unit.kind == "ward"))).all()
    assert len(wards) == 14
    assert "Phường Ngọc Hà" in {w.name for w in wards}
    assert report.units == 50 and report.deactivated == 0


async def test_loading_twice_changes_nothing(empty_db):
    spec = read_org_file(ORG_DEMO)
    async with empty_db.sessions() as session:
        await load_org(session, spec)
    first = await counts(empty_db)
    async with empty_db.sessions() as session:
        await load_org(session, spec)
    assert await counts(empty_db) == first


async def test_update_moves_renames_and_deactivates(empty_db):
    raw = yaml.safe_load(ORG_DEMO.read_text(encoding="utf-8"))
    async with empty_db.sessions() as session:
        await load_org(session, OrgSpec.model_validate(raw))
    district = raw["units"][0]
    district["children"] = [c for c in district["children"] if c["code"] != "kim-ma"]
    district["children"][0]["name"] = "Phường Phúc Xá (mới)"
    district["children"][0]["children"].append(
        {"code": "phuc-xa-tdp-6", "name": "Tổ dân phố số 6", "kind": "residential_group",
         "children": [{"code": "phuc-xa-tdp-6-a", "name": "Nhóm hộ 6A",
                       "kind": "household_group"}]})
    async with empty_db.sessions() as session:
        report = await load_org(session, OrgSpec.model_validate(raw))
        kim_ma = (await session.exec(select(Unit).where(Unit.code == "kim-ma"))).one()
        deep = (await session.exec(select(Unit).where(Unit.code == "phuc-xa-tdp-6-a"))).one()
        parent = await session.get(Unit, deep.parent_id)
        renamed = (await session.exec(select(Unit).where(Unit.code == "phuc-xa"))).one()
    assert report.deactivated == 1 and not kim_ma.active
    assert parent.code == "phuc-xa-tdp-6"
    assert renamed.name_folded == "phuong phuc xa (moi)"


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r["units"][0]["children"].append(dict(r["units"][0]["children"][0])), "twice"),
    (lambda r: r["staff"][1]["roles"].append({"role": "reviewer", "unit": "nowhere"}),
     "unknown unit"),
    (lambda r: r["units"][0].update(clusters=["no-such-cluster"]), "unknown clusters"),
    (lambda r: r["staff"][1]["roles"].append({"role": "king", "unit": "ba-dinh"}), "role"),
])
def test_bad_files_are_refused_before_touching_the_database(mutate, message):
    raw = yaml.safe_load(ORG_DEMO.read_text(encoding="utf-8"))
    mutate(raw)
    with pytest.raises(ValidationError, match=message):
        OrgSpec.model_validate(raw)

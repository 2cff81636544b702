"""/console/admin/units ("Đơn vị"): the unit tree and the emulation clusters, changed by an
administrator. A move or a merge, which changes many people's work, is shown with what
it will move first and saved only from that confirmation; so is a change of a cluster's
units, with the units that join and leave it."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storage.audit.events import record_event
from storage.org import admin_units as tree
from storage.org.admin_units import TreeProblem
from web.app import WebContext, page
from web.console.auth import Signer, only_admins
from web.console.deps import Session, StaffMember

Csrf = Annotated[str, Form(max_length=64)]
Text = Annotated[str, Form(max_length=200)]
PAGE = "/console/admin/units"


def _back(outcome: str) -> Response:
    return RedirectResponse(f"{PAGE}?{outcome}", status_code=303)


def _parent(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def known(context: WebContext, key: str, value: str | None) -> str | None:
    """An outcome from the address, if it is one the page words (not whatever was typed)."""
    ok = value is not None and value.isidentifier() and \
        context.texts.has(context.texts.default_locale, f"{key}.{value}")
    return value if ok else None


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    async def show(request: Request, session: Session, staff: Signer,
                   **values: Any) -> Response:
        rows = await tree.tree_rows(session)
        names = {row.unit.id: row.unit.name for row in rows}
        return page(context, request, "web/console/admin_units.html", staff=staff, rows=rows,
                    names=names, clusters=await tree.clusters(session), **values)

    def audit(session: Session, staff: Signer, action: str, target: str,
              detail: dict[str, Any]) -> None:
        record_event(session, action=action, staff_id=staff.staff.id, via="console",
                     target=target, detail=detail, now=datetime.now(UTC))

    @router.get("/admin/units", response_class=HTMLResponse)
    async def units(request: Request, session: Session, staff: StaffMember,
                    done: str | None = None, problem: str | None = None) -> Response:
        only_admins(staff)
        return await show(request, session, staff,
                          done=known(context, "console.admin_org.units.done", done),
                          problem=known(context, "console.admin_org.units.problem", problem))

    @router.post("/admin/units/add")
    async def add(session: Session, staff: StaffMember, csrf: Csrf, code: Text, name: Text,
                  kind: Text = "", parent: Text = "") -> Response:
        only_admins(staff, csrf)
        try:
            unit = await tree.add_unit(session, code=code, name=name, kind=kind,
                                       parent_id=_parent(parent))
        except TreeProblem as problem:
            return _back(f"problem={problem.code}")
        audit(session, staff, "admin_unit_add", f"unit:{unit.code}",
              {"unit": unit.name, "parent": _parent(parent)})
        await session.commit()
        return _back("done=added")

    @router.post("/admin/units/{unit_id}/rename")
    async def rename(unit_id: int, session: Session, staff: StaffMember, csrf: Csrf,
                     name: Text) -> Response:
        only_admins(staff, csrf)
        try:
            unit = await tree.active_unit(session, unit_id)
            old = await tree.rename_unit(session, unit, name)
        except TreeProblem as problem:
            return _back(f"problem={problem.code}")
        audit(session, staff, "admin_unit_rename", f"unit:{unit.code}",
              {"from": old, "to": unit.name})
        await session.commit()
        return _back("done=renamed")

    @router.post("/admin/units/move", response_class=HTMLResponse)
    async def move(request: Request, session: Session, staff: StaffMember, csrf: Csrf,
                   unit: Annotated[int, Form()], parent: Text = "",
                   confirm: Text = "") -> Response:
        """Without `confirm`: the page shows what moves and asks; with it: saved."""
        only_admins(staff, csrf)
        try:
            found = await tree.active_unit(session, unit)
            await tree.check_move(session, found, _parent(parent))
        except TreeProblem as problem:
            return _back(f"problem={problem.code}")
        new_parent = await tree.active_unit(session, p) if (p := _parent(parent)) else None
        if not confirm:
            moving = len(await tree.descendants(session, unit))
            return await show(request, session, staff, preview="move", unit=found,
                              target=new_parent, moving=moving)
        old_parent = await tree.unit_name(session, found.parent_id)
        await tree.move_unit(session, found, _parent(parent))
        audit(session, staff, "admin_unit_move", f"unit:{found.code}",
              {"unit": found.name, "from": old_parent,
               "to": new_parent.name if new_parent else None})
        await session.commit()
        return _back("done=moved")

    @router.post("/admin/units/merge", response_class=HTMLResponse)
    async def merge(request: Request, session: Session, staff: StaffMember, csrf: Csrf,
                    merged: Annotated[int, Form()], survivor: Annotated[int, Form()],
                    confirm: Text = "") -> Response:
        only_admins(staff, csrf)
        try:
            gone = await tree.active_unit(session, merged)
            kept = await tree.active_unit(session, survivor)
            counts = await tree.merge_counts(session, gone, kept)
        except TreeProblem as problem:
            return _back(f"problem={problem.code}")
        if not confirm:
            return await show(request, session, staff, preview="merge", merged=gone,
                              survivor=kept, counts=counts)
        counts = await tree.merge_units(session, gone, kept)
        audit(session, staff, "admin_unit_merge", f"unit:{gone.code}",
              {"merged": gone.name, "into": kept.name, "nominations": counts.nominations,
               "chats": counts.chats, "roles": counts.roles, "children": counts.children,
               "tasks": counts.tasks, "quotas": counts.quotas})
        await session.commit()
        return _back("done=merged")

    @router.post("/admin/clusters/add")
    async def add_cluster(session: Session, staff: StaffMember, csrf: Csrf, code: Text,
                          name: Text) -> Response:
        only_admins(staff, csrf)
        try:
            cluster = await tree.add_cluster(session, code=code, name=name)
        except TreeProblem as problem:
            return _back(f"problem={problem.code}")
        audit(session, staff, "admin_cluster_add", f"cluster:{cluster.code}",
              {"cluster": cluster.name})
        await session.commit()
        return _back("done=cluster_added")

    @router.post("/admin/clusters/{cluster_id}/rename")
    async def rename_cluster(cluster_id: int, session: Session, staff: StaffMember,
                             csrf: Csrf, name: Text) -> Response:
        only_admins(staff, csrf)
        try:
            cluster = await tree.get_cluster(session, cluster_id)
            old = tree.rename_cluster(session, cluster, name)
        except TreeProblem as problem:
            return _back(f"problem={problem.code}")
        audit(session, staff, "admin_cluster_rename", f"cluster:{cluster.code}",
              {"from": old, "to": cluster.name})
        await session.commit()
        return _back("done=cluster_renamed")

    @router.post("/admin/clusters/{cluster_id}/units", response_class=HTMLResponse)
    async def cluster_units(request: Request, cluster_id: int, session: Session,
                            staff: StaffMember, csrf: Csrf,
                            units: Annotated[list[int] | None, Form()] = None,
                            confirm: Text = "") -> Response:
        """Without `confirm`: the page names the units that join and leave and asks; with
        it, saved only if it is still exactly what was shown (else shown again)."""
        only_admins(staff, csrf)
        wanted = sorted(set(units or []))
        try:
            cluster = await tree.get_cluster(session, cluster_id)
            change = await tree.cluster_change(session, cluster, wanted)
        except TreeProblem as problem:
            return _back(f"problem={problem.code}")
        if not change.joining and not change.leaving:
            return _back("done=cluster_unchanged")
        if confirm != change.token:
            return await show(request, session, staff, preview="cluster_units",
                              cluster=cluster, change=change, wanted=wanted)
        await tree.set_cluster_units(session, cluster, wanted)
        audit(session, staff, "admin_cluster_units", f"cluster:{cluster.code}",
              {"cluster": cluster.name, "units": len(wanted),
               "joined": [u.name for u in change.joining],
               "left": [u.name for u in change.leaving]})
        await session.commit()
        return _back("done=cluster_units")

    return router

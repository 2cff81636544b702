"""How long a sign-in must wait: a progressive delay, computed from the login_attempt
table every process shares, so it holds across processes and restarts, and answered as
"try again in N seconds" rather than slept on (a sleeping request would hold a worker,
and a guesser can open many).

The delay is per name *and* address: a guesser elsewhere slows only themself, and the
owner at their own address signs in at once. An address failing across many names is
slowed on its own, with more room, since a ward's office may share one address. And a
name guessed from many addresses (a botnet, a few tries each) is slowed for every address
it has never signed in from, while its owner's own desks stay open."""

import math
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.org.staff_auth import Failures, failures_since, signed_in_from
from storage.shared.db import as_utc

WINDOW = timedelta(minutes=15)  # a failure older than this is forgotten
CAP_SECONDS = 900
FREE_PER_NAME = 3  # typos from one's own desk cost nothing
FREE_PER_ADDRESS = 20
FREE_PER_ACCOUNT = 10  # from all addresses together
KNOWN_FOR = timedelta(days=30)  # an address the owner signed in from is theirs this long


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after `failures` recent failures: none before `free` of them, then
    8 s, 16 s, 32 s, ... (for a name, 2^n after the n-th) up to the cap."""
    if failures < free:
        return 0
    return min(CAP_SECONDS, 1 << min(failures - free + FREE_PER_NAME, 20))


def _left(failures: Failures, free: int, now: datetime) -> float:
    if failures.last is None:
        return 0.0
    ready = as_utc(failures.last) + timedelta(seconds=delay_after(failures.count, free))
    return (ready - now).total_seconds()


async def wait_seconds(session: AsyncSession, *, username: str, address: str,
                       now: datetime) -> int:
    """0 when this name may be tried from this address now."""
    since = now - WINDOW
    pair = await failures_since(session, since=since, ip=address, username=username)
    anyone = await failures_since(session, since=since, ip=address)
    left = max(_left(pair, FREE_PER_NAME, now), _left(anyone, FREE_PER_ADDRESS, now))
    # Not forgiven by a success: the owner's sign-in does not give the botnet new tries.
    everywhere = await failures_since(session, since=since, ip=None, username=username,
                                      forgiven=False)
    if _left(everywhere, FREE_PER_ACCOUNT, now) > left and not await signed_in_from(
            session, username=username, ip=address, since=now - KNOWN_FOR):
        left = _left(everywhere, FREE_PER_ACCOUNT, now)
    return max(0, math.ceil(left))

"""A staff member's authenticator app, and the second sign-in step as their browser
goes through it (enrolling first when the console asks)."""

import time
from dataclasses import dataclass, field

import httpx
import pyotp

from tests.support.process import csrf_of

CODE_STEP = "/console/two-factor"
ENROL_STEP = "/console/two-factor/enrol"


def secret_on(page: httpx.Response) -> str:
    """The key the enrol page shows to type into the app."""
    return page.text.split('class="totp-secret">')[1].split("<")[0].replace(" ", "")


@dataclass
class Authenticator:
    """Codes as a phone shows them. The console takes each step's code once; a person
    signing in twice within 30 seconds waits for the next one, the app here takes the
    next step's, which the console's one-step drift window also accepts."""

    secret: str
    last_step: int = -1

    def code(self) -> str:
        totp = pyotp.TOTP(self.secret)
        now = totp.timecode(time.time())
        step = max(now - 1, self.last_step + 1)
        assert step <= now + 1, "signed in more often than codes come"
        self.last_step = step
        return totp.generate_otp(step)


@dataclass
class Phones:
    """Everyone's authenticator, by username, once they have enrolled one."""

    apps: dict[str, Authenticator] = field(default_factory=dict)

    async def finish(self, client: httpx.AsyncClient, username: str,
                     answer: httpx.Response) -> httpx.Response:
        """After the password step: the code, or enrolment, as the console asks."""
        where = answer.headers.get("location")
        if where == ENROL_STEP:
            page = await client.get(ENROL_STEP)
            self.apps[username] = Authenticator(secret_on(page))
            return await client.post(ENROL_STEP, data={
                "code": self.apps[username].code(), "csrf": csrf_of(page)})
        if where == CODE_STEP:
            page = await client.get(CODE_STEP)
            return await client.post(CODE_STEP, data={
                "code": self.apps[username].code(), "csrf": csrf_of(page)})
        return answer


# The phones of the staff of tests that run real processes: an enrolment replaces the
# app of that name, so each test's fresh database starts from its own.
PHONES = Phones()

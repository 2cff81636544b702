"""Telegram's limits, on a clock the test moves: 30/s per bot, 20/min per group,
1/s per private chat, and a 429 pausing everyone."""

from notifications.rate_limit import Pace


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_group_gets_twenty_messages_a_minute():
    clock = Clock()
    pace = Pace(clock=clock)
    for _ in range(20):
        assert pace.delay("telegram", "-100", group=True) == 0
        pace.record("telegram", "-100", group=True)
        clock.now += 0.1
    assert 57 < pace.delay("telegram", "-100", group=True) <= 60
    assert pace.delay("telegram", "-200", group=True) == 0  # another group is free
    clock.now += 60
    assert pace.delay("telegram", "-100", group=True) == 0


def test_a_private_chat_gets_one_a_second_and_the_bot_thirty():
    clock = Clock()
    pace = Pace(clock=clock)
    pace.record("telegram", "5001", group=False)
    assert 0 < pace.delay("telegram", "5001", group=False) <= 1
    for chat in range(29):
        pace.record("telegram", str(6000 + chat), group=False)
    assert pace.delay("telegram", "7000", group=False) > 0  # 30 this second already
    assert pace.delay("zalo", "7000", group=False) == 0  # another bot has its own budget
    clock.now += 1.0  # Telegram's second: a margin for the wire remains
    assert 0 < pace.delay("telegram", "7000", group=False) <= 0.03 + 1e-9
    clock.now += 0.03
    assert pace.delay("telegram", "7000", group=False) == 0


def test_a_429_pauses_every_chat():
    clock = Clock()
    pace = Pace(clock=clock)
    pace.pause(7)
    assert pace.delay("telegram", "-100", group=True) == 7
    assert pace.delay("telegram", "5001", group=False) == 7
    clock.now += 7
    assert pace.delay("telegram", "5001", group=False) == 0

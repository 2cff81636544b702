"""The test runner's own collector must not stall the fakes that real bot processes are
timed against (see `no_collector_pauses_under_process_tests` in conftest.py): under a
process test the heap earlier tests left is frozen, and under any other test it is not,
so their garbage is still collected."""

import gc

import pytest


@pytest.fixture(scope="module")
def heap_left_by_earlier_tests():
    left = [[n] for n in range(50_000)]
    yield left
    del left


@pytest.mark.process
def test_a_process_test_runs_with_the_old_heap_frozen(heap_left_by_earlier_tests):
    assert gc.get_freeze_count() >= len(heap_left_by_earlier_tests)


def test_other_tests_collect_as_usual(heap_left_by_earlier_tests):
    assert gc.get_freeze_count() == 0

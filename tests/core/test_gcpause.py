"""The collector is paused for a batch, nested batches included, and always comes back."""

import gc
import weakref

import pytest

from core.gcpause import gc_paused


def test_paused_inside_nested_batches_and_back_after():
    seen = []

    @gc_paused
    def inner():
        seen.append(("inner", gc.isenabled()))

    @gc_paused
    def outer():
        seen.append(("outer", gc.isenabled()))
        inner()
        seen.append(("outer after inner", gc.isenabled()))  # the inner batch does not restart it

    assert gc.isenabled()
    outer()
    assert seen == [("outer", False), ("inner", False), ("outer after inner", False)]
    assert gc.isenabled()


def test_back_after_an_error():
    @gc_paused
    def failing():
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        failing()
    assert gc.isenabled()


def test_left_off_when_it_was_off():
    gc.disable()
    try:
        gc_paused(lambda: None)()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_made_in_a_batch_are_collected_afterwards():
    class Node:
        other: object

    @gc_paused
    def make_cycle():
        a, b = Node(), Node()
        a.other, b.other = b, a
        return weakref.ref(a)

    made = make_cycle()
    gc.collect()
    assert made() is None
